//! The shipped knowledge base covers every responsibility statement of the source
//! material, with the right owner. One test per group of statements.

use std::path::Path;
use std::sync::OnceLock;

use srm_bot::kb::{load_dir, ControlCategory, KnowledgeBase, Owner};

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"))
            .unwrap_or_else(|e| panic!("knowledge/ does not load: {e}"))
    })
}

fn owner_of(id: &str) -> Owner {
    kb().get(id)
        .unwrap_or_else(|| panic!("no entry `{id}`"))
        .owner
}

macro_rules! owner_is {
    ($($test:ident: $id:literal => $owner:ident;)*) => {$(
        #[test]
        fn $test() {
            assert_eq!(owner_of($id), Owner::$owner, "entry `{}`", $id);
        }
    )*};
}

owner_is! {
    // Security OF vs IN the cloud; the landlord analogy.
    security_of_vs_in_the_cloud_is_shared: "security_of_vs_in_the_cloud" => Shared;
    landlord_analogy_is_shared: "landlord_tenant_analogy" => Shared;
    aws_does_not_handle_everything: "aws_does_not_handle_all_security" => Shared;
    // Always AWS's.
    data_center_physical_security_is_aws: "physical_data_center_security" => Aws;
    environmental_protection_is_aws: "environmental_protection" => Aws;
    hardware_maintenance_is_aws: "hardware_maintenance" => Aws;
    disk_destruction_is_aws: "disk_destruction" => Aws;
    hypervisor_is_aws: "hypervisor" => Aws;
    host_operating_system_is_aws: "host_operating_system" => Aws;
    physical_network_is_aws: "physical_network_infrastructure" => Aws;
    global_infrastructure_is_aws: "global_infrastructure" => Aws;
    managed_service_infrastructure_is_aws: "managed_service_infrastructure" => Aws;
    // Always the customer's.
    customer_data_ownership_is_customer: "customer_data_ownership" => Customer;
    data_classification_is_customer: "data_classification" => Customer;
    iam_users_and_permissions_is_customer: "iam_users_and_permissions" => Customer;
    mfa_is_customer: "mfa" => Customer;
    security_groups_are_customer: "security_group_rules" => Customer;
    client_side_encryption_is_customer: "client_side_encryption" => Customer;
    server_side_encryption_is_customer: "server_side_encryption" => Customer;
    encryption_in_transit_is_customer: "encryption_in_transit" => Customer;
    application_security_is_customer: "application_level_security" => Customer;
    vpc_traffic_protection_is_customer: "vpc_traffic_protection" => Customer;
    network_routing_is_customer: "vpc_routing" => Customer;
    // Data sovereignty.
    region_choice_is_customer: "region_choice" => Customer;
    data_stays_in_region_is_aws: "data_stays_in_region" => Aws;
    // Audit reports.
    audit_reports_via_artifact_are_aws: "aws_audit_reports_artifact" => Aws;
    workload_compliance_is_customer: "workload_compliance_configuration" => Customer;
    // The service spectrum.
    ec2_guest_os_patching_is_customer: "ec2_guest_os_patching" => Customer;
    ec2_hypervisor_and_host_is_aws: "ec2_hypervisor_and_host" => Aws;
    ec2_ssh_access_is_customer: "ec2_ssh_access" => Customer;
    ec2_antivirus_is_customer: "ec2_antivirus" => Customer;
    mysql_on_ec2_patching_is_customer: "mysql_on_ec2_patching" => Customer;
    rds_engine_patching_is_aws: "rds_engine_patching" => Aws;
    rds_os_patching_is_aws: "rds_os_patching" => Aws;
    rds_access_controls_are_customer: "rds_database_access_controls" => Customer;
    rds_data_and_schema_is_customer: "rds_data_and_schema" => Customer;
    rds_custom_os_patching_depends_on_the_engine: "rds_custom_os_patching" => Shared;
    rds_custom_for_oracle_os_patching_is_customer: "rds_custom_oracle_os_patching" => Customer;
    rds_custom_for_sql_server_os_patching_is_aws: "rds_custom_sqlserver_os_patching" => Aws;
    lambda_runtime_patching_is_aws: "lambda_runtime_patching" => Aws;
    lambda_code_is_customer: "lambda_function_code" => Customer;
    lambda_execution_role_is_customer: "lambda_execution_role" => Customer;
    s3_bucket_access_is_customer: "s3_bucket_access" => Customer;
    s3_infrastructure_is_aws: "s3_infrastructure" => Aws;
    dynamodb_patching_is_aws: "dynamodb_infrastructure_patching" => Aws;
    beanstalk_platform_updates_are_shared: "beanstalk_platform_updates" => Shared;
    vpc_configuration_is_customer: "vpc_network_configuration" => Customer;
    // IT controls.
    inherited_controls_are_aws: "physical_environmental_controls_inherited" => Aws;
    patch_management_is_shared: "patch_management" => Shared;
    configuration_management_is_shared: "configuration_management" => Shared;
    awareness_and_training_is_shared: "awareness_and_training" => Shared;
    zone_security_is_customer: "zone_security" => Customer;
    service_and_communications_protection_is_customer: "service_and_communications_protection" => Customer;
    // Common mistakes.
    public_buckets_are_customer: "mistake_public_s3_bucket" => Customer;
    permissive_iam_is_customer: "mistake_overly_permissive_iam" => Customer;
    no_encryption_is_customer: "mistake_encryption_not_enabled" => Customer;
    no_mfa_is_customer: "mistake_mfa_not_enabled" => Customer;
    unpatched_ec2_is_customer: "mistake_unpatched_ec2" => Customer;
    ignored_cloudtrail_is_customer: "mistake_no_auditing" => Customer;
    weak_ssh_password_is_customer: "mistake_weak_ssh_password" => Customer;
    // Integrations.
    cloudtrail_is_customer: "cloudtrail_logging" => Customer;
    config_rules_are_customer: "config_rules" => Customer;
    guardduty_is_customer: "guardduty_threat_detection" => Customer;
    kms_usage_is_customer: "kms_key_policies" => Customer;
    scps_are_customer: "organizations_scps" => Customer;
    trusted_advisor_review_is_customer: "trusted_advisor_review" => Customer;
    iam_roles_over_keys_is_customer: "iam_roles_over_access_keys" => Customer;
    // Backups and retention.
    backups_are_customer: "data_backup_responsibility" => Customer;
    rds_automated_backups_are_shared: "rds_automated_backups" => Shared;
    backup_retention_choice_is_customer: "backup_retention_choice" => Customer;
    // Beyond the seeds: per-service splits.
    ebs_encryption_is_customer: "ebs_encryption" => Customer;
    ebs_durability_is_aws: "ebs_durability" => Aws;
    eks_control_plane_is_aws: "eks_control_plane" => Aws;
    eks_worker_nodes_are_customer: "eks_worker_node_patching" => Customer;
    ecs_container_instances_are_customer: "ecs_container_instance_patching" => Customer;
    fargate_os_is_aws: "fargate_os_patching" => Aws;
    kms_hsm_security_is_aws: "kms_hsm_security" => Aws;
    cloudfront_edge_is_aws: "cloudfront_edge_infrastructure" => Aws;
}

#[test]
fn the_knowledge_base_is_big_enough() {
    let s = kb().summary();
    assert!(s.entries >= 120, "{} entries", s.entries);
    assert!(
        s.services_covered() >= 12,
        "{} services",
        s.services_covered()
    );
    for owner in Owner::ALL {
        assert!(
            s.by_owner.get(&owner).copied().unwrap_or(0) > 0,
            "no {owner:?}"
        );
    }
}

#[test]
fn os_patching_depends_on_the_service() {
    let e = kb()
        .get("os_patching_depends")
        .expect("os_patching_depends");
    // The service's own case: selected by the service alone, with no words.
    let owner_for = |svc: &str| {
        e.cases
            .iter()
            .find(|c| c.when.is_empty() && c.services.iter().any(|s| s == svc))
            .map(|c| c.owner)
    };
    assert_eq!(owner_for("ec2"), Some(Owner::Customer));
    assert_eq!(owner_for("rds"), Some(Owner::Aws));
    assert_eq!(owner_for("lambda"), Some(Owner::Aws));
    assert_eq!(owner_for("fargate"), Some(Owner::Aws));
}

#[test]
fn every_case_agrees_with_the_entry_it_points_to() {
    for e in kb().entries() {
        for c in &e.cases {
            if let Some(target) = &c.entry {
                let t = kb().get(target).unwrap();
                assert_eq!(
                    t.owner, c.owner,
                    "{}: case {:?} says {:?} but {} says {:?}",
                    e.id, c.services, c.owner, t.id, t.owner
                );
            }
        }
    }
}

#[test]
fn the_control_categories_are_labelled() {
    let control = |id: &str| kb().get(id).unwrap().control;
    assert_eq!(control("patch_management"), Some(ControlCategory::Shared));
    assert_eq!(
        control("zone_security"),
        Some(ControlCategory::CustomerSpecific)
    );
    assert_eq!(
        control("physical_environmental_controls_inherited"),
        Some(ControlCategory::Inherited)
    );
}

#[test]
fn every_source_is_an_aws_page_with_a_readable_title_and_a_checked_date() {
    for e in kb().entries() {
        let s = &e.source;
        assert!(
            !s.title.contains(".txt") && s.title.len() > 10,
            "{}: source title {:?}",
            e.id,
            s.title
        );
        assert!(
            s.url.starts_with("https://")
                && (s.url.contains(".amazon.com/") || s.url.contains(".awsstatic.com/")),
            "{}: source url {:?}",
            e.id,
            s.url
        );
        assert!(
            s.checked.len() == 10 && s.checked.as_str() >= "2026-01-01",
            "{}: checked {:?}",
            e.id,
            s.checked
        );
    }
}

/// One responsibility, one owner: asked its own question, no entry is answered with
/// another owner. Two entries answering the same question with different owners fail here.
/// (A few broad questions may get "did you mean" instead: at most 2% of entries.)
#[test]
fn every_entry_question_gets_its_own_owner() {
    let kb = kb();
    let matcher = srm_bot::matcher::Matcher::new(kb);
    let (mut wrong, mut unsure) = (Vec::new(), Vec::new());
    for e in kb.entries() {
        let a = matcher.best(&e.question);
        match a.owner() {
            Some(o) if o == e.owner => {}
            Some(o) => wrong.push(format!(
                "{} ({}) answered {} via {:?}: {}",
                e.id,
                e.owner.id(),
                o.id(),
                a.candidate.map(|c| kb.entries()[c.0].id.as_str()),
                e.question
            )),
            None => unsure.push(e.id.as_str()),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        unsure.len() * 50 <= kb.entries().len(),
        "{} entries not answered: {unsure:?}",
        unsure.len()
    );
}
