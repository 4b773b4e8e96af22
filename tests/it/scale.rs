//! Scale-out: two `srm-bot serve` processes, each owning one shard of a 2-shard bot,
//! share one PostgreSQL. Quizzes run in guilds on both shards at once, and a global
//! leaderboard asked on either process includes members from both.

use crate::pg;

use crate::fake_discord::harness::*;
use crate::fake_discord::*;
use serde_json::json;

/// Two guilds that Discord routes to different shards of two.
fn guilds() -> (u64, u64) {
    let a = GUILD_ID;
    let b = GUILD_ID + (1 << 22);
    assert_ne!((a >> 22) % 2, (b >> 22) % 2);
    (a, b)
}

#[tokio::test]
async fn two_shard_processes_share_one_postgres() {
    let Some(url) = pg::fresh_schema_url("t_scale").await else {
        eprintln!("skipped: SRM_TEST_POSTGRES_URL is not set");
        return;
    };
    let (ga, gb) = guilds();
    let (ca, cb) = (CHANNEL_ID, CHANNEL_ID + 1);
    let fake = FakeDiscord::start_with(&[ga, gb], 2).await;
    let _shard0 = Bot::start_in(&fake, tempfile::tempdir().unwrap(), &url, "0-0/2", None).await;
    let _shard1 = Bot::start_in(&fake, tempfile::tempdir().unwrap(), &url, "1-1/2", None).await;
    assert_eq!(fake.shard_sessions(), 2);

    let venues = [
        (ga, ca, [(71u64, "a1"), (72, "a2")]),
        (gb, cb, [(81, "b1"), (82, "b2")]),
    ];
    for (g, c, members) in venues {
        let id = fake.id();
        let start = command(
            id,
            members[0].0,
            members[0].1,
            "quiz",
            json!([{"name": "start", "type": 1, "options": [
            {"name": "questions", "type": 4, "value": 2}, {"name": "seconds", "type": 4, "value": 5}]}]),
            0,
        );
        fake.dispatch_to_guild(g, "INTERACTION_CREATE", in_channel(start, g, c));
        callback(&fake, id).await;
    }
    for q in 0..2 {
        // Both channels' questions are open at once; everyone answers, then both reveal.
        let mut open = Vec::new();
        for (g, c, members) in venues {
            let (msg, buttons) = question_message_in(&fake, c, q).await;
            for (i, (uid, name)) in members.iter().enumerate() {
                let id = fake.id();
                let press = click(id, *uid, name, &buttons[i], msg);
                fake.dispatch_to_guild(g, "INTERACTION_CREATE", in_channel(press, g, c));
                assert_locked_in(&callback(&fake, id).await);
            }
            open.push((c, msg));
        }
        for (c, msg) in open {
            reveal_in(&fake, c, msg).await;
        }
    }

    // Either process answers a global leaderboard with members of both guilds.
    for (g, c, _) in venues {
        let id = fake.id();
        let lb = command(
            id,
            99,
            "zed",
            "leaderboard",
            json!([{"name": "scope", "type": 4, "value": 2}]),
            0,
        );
        fake.dispatch_to_guild(g, "INTERACTION_CREATE", in_channel(lb, g, c));
        let board = callback(&fake, id).await.body["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .to_string();
        for name in ["a1", "a2", "b1", "b2"] {
            assert!(
                board.contains(name),
                "{name} missing from the global board asked in {g}: {board}"
            );
        }
    }
}
