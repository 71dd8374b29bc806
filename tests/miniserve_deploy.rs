//! deploy/: the real `promtool` checks and unit-tests the alert rules, and every metric the
//! rules and the Grafana dashboard query is one the runtime exports.
//!
//! Needs `promtool` (Debian package `prometheus`; `./scripts/test` installs it): without it
//! these tests fail, they do not skip.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn promtool(args: &[&str], dir: &Path) -> Output {
    Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run promtool ({e}): install the Debian package `prometheus` \
                 (./scripts/test does: apt-get install prometheus)"
            )
        })
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn promtool_accepts_the_alert_rules() {
    let out = promtool(&["check", "rules", "deploy/prometheus/alerts.yml"], &root());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("SUCCESS: 7 rules found"),
        "{}",
        text(&out)
    );
}

#[test]
fn promtool_rejects_a_broken_rule_file() {
    // The same check fails on a file with a bad expression: the test above can fail.
    let dir = std::env::temp_dir().join(format!("deploy-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(root().join("deploy/prometheus/alerts.yml")).unwrap();
    let broken = good.replacen("> 0.05", "> > 0.05", 1);
    assert_ne!(good, broken);
    std::fs::write(dir.join("alerts.yml"), broken).unwrap();
    let out = promtool(&["check", "rules", "alerts.yml"], &dir);
    assert!(!out.status.success(), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_alert_fires_on_its_unit_test_series() {
    let out = promtool(
        &["test", "rules", "alerts.test.yml"],
        &root().join("deploy/prometheus"),
    );
    assert!(out.status.success(), "{}", text(&out));
    // Every alert of the rules has a case that expects it to fire.
    let rules = std::fs::read_to_string(root().join("deploy/prometheus/alerts.yml")).unwrap();
    let tests = std::fs::read_to_string(root().join("deploy/prometheus/alerts.test.yml")).unwrap();
    for line in rules.lines() {
        if let Some(alert) = line.trim().strip_prefix("- alert: ") {
            let firing = tests
                .split("alertname: ")
                .skip(1)
                .any(|case| case.starts_with(alert) && case.contains("exp_alerts:"));
            assert!(firing, "no test case fires {alert}");
        }
    }
}

/// The Prometheus names of the runtime's metrics: dots to underscores, `_seconds` for `s`.
fn exported_names() -> BTreeSet<String> {
    include_str!("../telemetry-runtime/semconv/metrics.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let base = cols[0].replace('.', "_");
            match cols[2] {
                "s" => format!("{base}_seconds"),
                _ => base,
            }
        })
        .collect()
}

/// Metric names an expression uses (`gen_ai_...` and `http_server_...` identifiers, without
/// the histogram suffixes).
fn used_names(expr: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = expr.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &expr[i..];
        let boundary = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || matches!(bytes[i - 1], b'_' | b':' | b'.'));
        if boundary && (rest.starts_with("gen_ai_") || rest.starts_with("http_server_")) {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..end];
            // Label names (gen_ai_request_model=...) are not metrics.
            let after = rest[end..].trim_start();
            let is_label = after.starts_with('=')
                || after.starts_with("!=")
                || after.starts_with("=~")
                || after.starts_with(',')
                || after.starts_with(')');
            if !is_label {
                let base = ["_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|s| name.strip_suffix(s))
                    .unwrap_or(name);
                out.insert(base.to_owned());
            }
            i += end;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn the_rules_and_the_dashboard_query_metrics_the_runtime_exports() {
    let exported = exported_names();
    assert!(exported.contains("gen_ai_server_time_to_first_token_seconds"));
    assert!(exported.contains("gen_ai_client_token_usage"));

    let rules = std::fs::read_to_string(root().join("deploy/prometheus/alerts.yml")).unwrap();
    let rules: String = rules
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let in_rules = used_names(&rules);
    let dashboard: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("deploy/grafana/llm-service.json")).unwrap(),
    )
    .expect("the dashboard is JSON");
    let panels = dashboard["panels"].as_array().expect("panels");
    assert!(panels.len() >= 6);
    let mut in_dashboard = BTreeSet::new();
    for panel in panels {
        let targets = panel["targets"].as_array().expect("every panel queries");
        assert!(!targets.is_empty(), "{}", panel["title"]);
        for t in targets {
            let expr = t["expr"].as_str().expect("a PromQL expression");
            let names = used_names(expr);
            assert!(!names.is_empty(), "{expr}");
            in_dashboard.extend(names);
        }
    }
    for name in in_rules.iter().chain(&in_dashboard) {
        assert!(
            exported.contains(name),
            "{name} is not a metric the runtime exports ({exported:?})"
        );
    }
    // The alerts cover errors, latency, time to first token and token throughput.
    for name in [
        "gen_ai_server_request_duration_seconds",
        "gen_ai_server_time_to_first_token_seconds",
        "gen_ai_client_token_usage",
        "http_server_request_duration_seconds",
    ] {
        assert!(in_rules.contains(name), "the rules use {name}");
    }
    // The dashboard shows every metric.
    assert_eq!(in_dashboard, exported);
}

#[test]
fn the_name_scan_ignores_labels() {
    let names = used_names(
        r#"sum by (gen_ai_token_type) (rate(gen_ai_client_token_usage_sum{gen_ai_request_model=~"m"}[5m]))"#,
    );
    assert_eq!(
        names,
        BTreeSet::from(["gen_ai_client_token_usage".to_owned()])
    );
}
