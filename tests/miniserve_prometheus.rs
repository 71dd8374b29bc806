//! A real Prometheus server (Debian package `prometheus`) on loopback scrapes miniserve's
//! `/metrics` and answers a query for a GenAI metric with the demo's data; it also loads the
//! alert rules of deploy/.
//!
//! Without the `prometheus` binary this test fails, it does not skip (`./scripts/test`
//! installs it).

#[path = "../examples/miniserve/main.rs"]
#[allow(dead_code)]
mod miniserve;
mod support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Prometheus may take to start and scrape (a failure bound, not a measurement).
const PATIENCE: Duration = Duration::from_secs(90);

/// A Prometheus process with its own config and data directory, killed on drop.
struct Prometheus {
    child: Child,
    dir: PathBuf,
    addr: SocketAddr,
}

impl Prometheus {
    fn start(target: SocketAddr) -> Prometheus {
        let dir = std::env::temp_dir().join(format!("miniserve-prometheus-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/prometheus/alerts.yml");
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - {}\n\
             scrape_configs:\n  - job_name: miniserve\n    static_configs:\n      - targets: ['{target}']\n",
            rules.display()
        );
        std::fs::write(dir.join("prometheus.yml"), config).unwrap();
        let addr = SocketAddr::from(([127, 0, 0, 1], support::free_port()));
        let child = Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("prometheus.log")).unwrap())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run prometheus ({e}): install the Debian package `prometheus` \
                     (./scripts/test does: apt-get install prometheus)"
                )
            });
        Prometheus { child, dir, addr }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("prometheus.log")).unwrap_or_default()
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Polls `query` until its result is not empty; returns the response.
async fn wait_for(prometheus: &mut Prometheus, query: &str) -> serde_json::Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(Some(status)) = prometheus.child.try_wait() {
            panic!("prometheus exited ({status}):\n{}", prometheus.log());
        }
        if let Ok((200, body)) =
            miniserve::get(prometheus.addr, &format!("/api/v1/query?query={query}")).await
        {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            if v["data"]["result"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
            {
                return v;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no result for {query} after {PATIENCE:?}:\n{}",
            prometheus.log()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[test]
fn prometheus_scrapes_the_genai_metrics_of_miniserve() {
    let traces = std::env::temp_dir().join(format!("miniserve-prom-{}.json", std::process::id()));
    let options = miniserve::Options::parse(vec![
        "--traces-file".to_owned(),
        traces.display().to_string(),
    ])
    .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let running = miniserve::start(&options).await.unwrap();
        let exchanges = miniserve::demo(running.addr).await.unwrap();
        assert_eq!(exchanges.iter().filter(|e| e.status == 200).count(), 3);

        let mut prometheus = Prometheus::start(running.addr);
        // The scrape target is up, and the GenAI histograms have the demo's data.
        let up = wait_for(&mut prometheus, "up").await;
        assert_eq!(up["data"]["result"][0]["metric"]["job"], "miniserve");
        let usage = wait_for(&mut prometheus, "gen_ai_client_token_usage_count").await;
        let series = usage["data"]["result"].as_array().unwrap();
        let mut types: Vec<&str> = series
            .iter()
            .map(|s| s["metric"]["gen_ai_token_type"].as_str().unwrap())
            .collect();
        types.sort();
        types.dedup();
        assert_eq!(types, ["input", "output"]);
        let generations: f64 = series
            .iter()
            .filter(|s| s["metric"]["gen_ai_token_type"] == "output")
            .map(|s| s["value"][1].as_str().unwrap().parse::<f64>().unwrap())
            .sum();
        assert_eq!(generations, 3.0, "{usage}");
        for s in series {
            assert_eq!(s["metric"]["job"], "miniserve");
            assert_eq!(s["metric"]["gen_ai_provider_name"], "miniserve");
            assert!(s["metric"].get("user_id").is_none());
        }
        let ttft = wait_for(
            &mut prometheus,
            "gen_ai_server_time_to_first_token_seconds_bucket",
        )
        .await;
        assert!(
            ttft["data"]["result"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["metric"]["le"] == "0.001"),
            "the conventions' first boundary: {ttft}"
        );
        // The deploy/ rules load and evaluate over the scraped series.
        let rule = wait_for(&mut prometheus, "gen_ai:requests:rate5m").await;
        assert_eq!(rule["data"]["result"][0]["metric"]["job"], "miniserve");
        drop(prometheus);
        running.shutdown().await;
    });
    let _ = std::fs::remove_file(&traces);
}
