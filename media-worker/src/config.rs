//! The media worker's settings: typed, with defaults, overridden by `OTBOR_RTC_*` environment
//! variables (every key in [`SETTINGS`]); the TURN credential and secret do not print. The
//! voice pipeline's settings, which its conversations run with, are `otbor-voice`'s.

use anyhow::{Context, bail};
use otbor_domain::setting::Setting;
use secrecy::{ExposeSecret, SecretString};
use std::net::IpAddr;
use std::ops::RangeInclusive;
use std::time::Duration;

pub use otbor_voice::config::{SETTINGS as VOICE_SETTINGS, VoiceConfig};

/// Every key the media worker reads (docs/settings.md is printed from this list).
pub const SETTINGS: &[Setting] = &[
    Setting::plain("OTBOR_RTC_CAPACITY", "20", "interview sessions served at once; one more offer is refused with 503 and `Retry-After`"),
    Setting::plain("OTBOR_RTC_BIND_IP", "0.0.0.0", "the address media sockets bind to (`0.0.0.0`: every interface but loopback)"),
    Setting::plain(
        "OTBOR_RTC_UDP_PORTS",
        "",
        "the UDP ports media may use, `MIN-MAX` (e.g. `50000-50199`; one per session and interface); unset, ephemeral ports. Open exactly this range in the firewall",
    ),
    Setting::plain("OTBOR_RTC_PUBLIC_IPS", "", "NAT 1:1: public addresses (comma-separated) announced instead of the private ones"),
    Setting::plain("OTBOR_RTC_STUN_URLS", "", "STUN servers, `stun:host:3478,...`, for the browser and the worker"),
    Setting::plain(
        "OTBOR_RTC_TURN_URLS",
        "",
        "TURN servers for the browser, `turn:host:3478?transport=udp,turns:host:5349?transport=tcp`; they need `OTBOR_RTC_TURN_SECRET` or `OTBOR_RTC_TURN_USERNAME` and `OTBOR_RTC_TURN_CREDENTIAL`",
    ),
    Setting::secret(
        "OTBOR_RTC_TURN_SECRET",
        "the TURN server's shared secret (coturn `static-auth-secret`): each browser gets its own time-limited credential",
    ),
    Setting::plain("OTBOR_RTC_TURN_USERNAME", "", "a static TURN username (instead of the secret)"),
    Setting::secret("OTBOR_RTC_TURN_CREDENTIAL", "the static TURN password (with `OTBOR_RTC_TURN_USERNAME`)"),
    Setting::plain(
        "OTBOR_RTC_TURN_TTL_MS",
        "14400000",
        "how long a time-limited TURN credential works, in milliseconds (4 hours: longer than an interview)",
    ),
    Setting::plain("OTBOR_RTC_INCLUDE_LOOPBACK", "0", "`1`: loopback candidates (tests on one machine; never in production)"),
    Setting::plain("OTBOR_RTC_DISABLE_MDNS", "0", "`1`: no multicast DNS (containers, network namespaces)"),
    Setting::plain("OTBOR_RTC_GATHER_TIMEOUT_MS", "5000", "how long an offer waits for the worker's ICE candidates, in milliseconds"),
    Setting::plain("OTBOR_RTC_CONNECT_TIMEOUT_MS", "30000", "a session that has not connected by then ends, in milliseconds"),
    Setting::plain(
        "OTBOR_RTC_DISCONNECT_GRACE_MS",
        "10000",
        "a disconnected session that does not come back within this time ends, in milliseconds",
    ),
    Setting::plain("OTBOR_RTC_SEGMENT_MS", "5000", "the length of recording segments, in milliseconds (at least 500)"),
    Setting::plain("OTBOR_RTC_RETRY_AFTER_MS", "30000", "`Retry-After` when the worker is full, in milliseconds"),
    Setting::plain("OTBOR_RTC_LINK_CHECK_MS", "30000", "how often a live session rechecks its invite link, in milliseconds"),
    Setting::plain(
        "OTBOR_FFMPEG",
        "ffmpeg",
        "the ffmpeg program that joins recording segments into one file; without it they stay segments. Read from the environment only",
    ),
];

/// One STUN or TURN server, as the browser and the worker both use it.
#[derive(Clone, Debug)]
pub struct IceServer {
    /// `stun:host:port`, `turn:host:port?transport=udp`, `turns:host:443?transport=tcp`.
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<SecretString>,
    /// Shared with the TURN server (coturn `static-auth-secret`): each browser gets its own
    /// time-limited username and password instead of `username` and `credential`.
    pub secret: Option<SecretString>,
}

impl IceServer {
    pub fn credential(&self) -> Option<&str> {
        self.credential.as_ref().map(|c| c.expose_secret())
    }

    /// The username and password to give one browser: time-limited ones derived from the
    /// secret (valid `ttl` from `now`; `who` names the interview in the TURN server's logs),
    /// else the static ones, if any.
    pub fn credentials_for(&self, who: &str, now: chrono::DateTime<chrono::Utc>, ttl: Duration) -> (Option<String>, Option<String>) {
        match &self.secret {
            Some(secret) => {
                let (username, password) = crate::turn::rest_credentials(secret.expose_secret(), who, now, ttl);
                (Some(username), Some(password))
            }
            None => (self.username.clone(), self.credential().map(String::from)),
        }
    }
}

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Sessions served at once; one more offer is refused with 503 and `Retry-After`.
    pub capacity: usize,
    /// The address the media sockets bind to. `0.0.0.0` means every interface but loopback
    /// (the `webrtc` crate binds one socket per interface address).
    pub bind_ip: IpAddr,
    /// The UDP ports media may use (one per session and interface); `None` lets the system
    /// pick ephemeral ports. Open exactly this range in the firewall.
    pub udp_ports: Option<RangeInclusive<u16>>,
    /// Public addresses announced instead of the private ones (NAT 1:1, e.g. an Elastic IP).
    pub public_ips: Vec<String>,
    /// STUN/TURN servers, handed to the browser and used by the worker.
    pub ice_servers: Vec<IceServer>,
    /// How long time-limited TURN credentials work (they must outlast the interview: the
    /// TURN server refuses to refresh an allocation once they expire).
    pub turn_ttl: Duration,
    /// Gather loopback candidates (tests on one machine; never in production).
    pub include_loopback: bool,
    /// No multicast DNS at all (network namespaces, containers).
    pub disable_mdns: bool,
    /// How long an offer waits for the worker's ICE candidates before answering.
    pub gather_timeout: Duration,
    /// A session that has not connected by then is ended.
    pub connect_timeout: Duration,
    /// A disconnected session that does not come back within this time is ended.
    pub disconnect_grace: Duration,
    /// Recordings are uploaded in pieces of about this length.
    pub segment: Duration,
    /// Sent with 503 when the worker is full.
    pub retry_after: Duration,
    /// How often a live session checks that its invite link is still valid.
    pub link_check: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            capacity: 20,
            bind_ip: IpAddr::from([0, 0, 0, 0]),
            udp_ports: None,
            public_ips: Vec::new(),
            ice_servers: Vec::new(),
            turn_ttl: Duration::from_secs(4 * 3600),
            include_loopback: false,
            disable_mdns: false,
            gather_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(30),
            disconnect_grace: Duration::from_secs(10),
            segment: Duration::from_secs(5),
            retry_after: Duration::from_secs(30),
            link_check: Duration::from_secs(30),
        }
    }
}

impl WorkerConfig {
    /// Reads the `OTBOR_RTC_*` variables through `get`; unset or empty ones keep the default.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let var = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut c = Self::default();
        if let Some(v) = var("OTBOR_RTC_CAPACITY") {
            c.capacity = v.parse().with_context(|| {
                format!("OTBOR_RTC_CAPACITY={v}: expected a number of sessions")
            })?;
        }
        if let Some(v) = var("OTBOR_RTC_BIND_IP") {
            c.bind_ip = v
                .parse()
                .with_context(|| format!("OTBOR_RTC_BIND_IP={v}: expected an IP address"))?;
        }
        if let Some(v) = var("OTBOR_RTC_UDP_PORTS") {
            c.udp_ports = Some(parse_port_range(&v).with_context(|| {
                format!("OTBOR_RTC_UDP_PORTS={v}: expected MIN-MAX, e.g. 50000-50199")
            })?);
        }
        if let Some(v) = var("OTBOR_RTC_PUBLIC_IPS") {
            c.public_ips = list(&v);
            for ip in &c.public_ips {
                ip.parse::<IpAddr>()
                    .with_context(|| format!("OTBOR_RTC_PUBLIC_IPS: {ip} is not an IP address"))?;
            }
        }
        if let Some(v) = var("OTBOR_RTC_STUN_URLS") {
            let urls = list(&v);
            check_urls(&urls, &["stun:", "stuns:"], "OTBOR_RTC_STUN_URLS")?;
            c.ice_servers.push(IceServer {
                urls,
                username: None,
                credential: None,
                secret: None,
            });
        }
        if let Some(v) = var("OTBOR_RTC_TURN_URLS") {
            let urls = list(&v);
            check_urls(&urls, &["turn:", "turns:"], "OTBOR_RTC_TURN_URLS")?;
            let server = match (
                var("OTBOR_RTC_TURN_SECRET"),
                var("OTBOR_RTC_TURN_USERNAME"),
                var("OTBOR_RTC_TURN_CREDENTIAL"),
            ) {
                (Some(secret), None, None) => IceServer {
                    urls,
                    username: None,
                    credential: None,
                    secret: Some(secret.into()),
                },
                (None, Some(username), Some(credential)) => IceServer {
                    urls,
                    username: Some(username),
                    credential: Some(credential.into()),
                    secret: None,
                },
                _ => bail!(
                    "OTBOR_RTC_TURN_URLS needs either OTBOR_RTC_TURN_SECRET (time-limited credentials, coturn use-auth-secret) or OTBOR_RTC_TURN_USERNAME and OTBOR_RTC_TURN_CREDENTIAL, not both"
                ),
            };
            c.ice_servers.push(server);
        }
        if let Some(v) = var("OTBOR_RTC_INCLUDE_LOOPBACK") {
            c.include_loopback = flag(&v, "OTBOR_RTC_INCLUDE_LOOPBACK")?;
        }
        if let Some(v) = var("OTBOR_RTC_DISABLE_MDNS") {
            c.disable_mdns = flag(&v, "OTBOR_RTC_DISABLE_MDNS")?;
        }
        for (key, slot) in [
            ("OTBOR_RTC_GATHER_TIMEOUT_MS", &mut c.gather_timeout),
            ("OTBOR_RTC_CONNECT_TIMEOUT_MS", &mut c.connect_timeout),
            ("OTBOR_RTC_DISCONNECT_GRACE_MS", &mut c.disconnect_grace),
            ("OTBOR_RTC_SEGMENT_MS", &mut c.segment),
            ("OTBOR_RTC_RETRY_AFTER_MS", &mut c.retry_after),
            ("OTBOR_RTC_LINK_CHECK_MS", &mut c.link_check),
            ("OTBOR_RTC_TURN_TTL_MS", &mut c.turn_ttl),
        ] {
            if let Some(v) = var(key) {
                let ms: u64 = v
                    .parse()
                    .with_context(|| format!("{key}={v}: expected milliseconds"))?;
                *slot = Duration::from_millis(ms);
            }
        }
        if c.segment < Duration::from_millis(500) {
            bail!("OTBOR_RTC_SEGMENT_MS must be at least 500");
        }
        Ok(c)
    }
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn flag(v: &str, key: &str) -> anyhow::Result<bool> {
    match v {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" => Ok(false),
        _ => bail!("{key}={v}: expected 1 or 0"),
    }
}

fn check_urls(urls: &[String], schemes: &[&str], key: &str) -> anyhow::Result<()> {
    for u in urls {
        if !schemes.iter().any(|s| u.starts_with(s)) {
            bail!("{key}: {u} should start with {}", schemes.join(" or "));
        }
    }
    Ok(())
}

fn parse_port_range(v: &str) -> anyhow::Result<RangeInclusive<u16>> {
    let (lo, hi) = v.split_once('-').context("no dash")?;
    let (lo, hi): (u16, u16) = (lo.trim().parse()?, hi.trim().parse()?);
    if lo == 0 || lo > hi {
        bail!("the range is empty");
    }
    Ok(lo..=hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> anyhow::Result<WorkerConfig> {
        let m: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        WorkerConfig::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn no_variables_give_the_defaults() {
        let c = from(&[]).unwrap();
        assert_eq!(c.capacity, 20);
        assert!(c.udp_ports.is_none() && c.ice_servers.is_empty() && !c.include_loopback);
    }

    #[test]
    fn variables_override_port_range_public_ip_and_turn() {
        let c = from(&[
            ("OTBOR_RTC_UDP_PORTS", "50000-50099"),
            ("OTBOR_RTC_PUBLIC_IPS", "203.0.113.7"),
            (
                "OTBOR_RTC_TURN_URLS",
                "turn:turn.example.ru:3478?transport=udp",
            ),
            ("OTBOR_RTC_TURN_USERNAME", "otbor"),
            ("OTBOR_RTC_TURN_CREDENTIAL", "s3cret"),
            ("OTBOR_RTC_CAPACITY", "3"),
        ])
        .unwrap();
        assert_eq!(c.udp_ports, Some(50000..=50099));
        assert_eq!(c.public_ips, vec!["203.0.113.7"]);
        assert_eq!(c.capacity, 3);
        assert_eq!(c.ice_servers[0].credential(), Some("s3cret"));
        assert!(
            !format!("{c:?}").contains("s3cret"),
            "the credential does not print"
        );
    }

    #[test]
    fn a_turn_secret_gives_each_browser_its_own_time_limited_credentials() {
        let c = from(&[
            ("OTBOR_RTC_TURN_URLS", "turn:turn.example.ru:3478?transport=udp"),
            ("OTBOR_RTC_TURN_SECRET", "north-secret"),
        ])
        .unwrap();
        assert!(!format!("{c:?}").contains("north-secret"), "the secret does not print");
        let now = chrono::DateTime::from_timestamp(1_699_985_600, 0).unwrap();
        let (username, password) = c.ice_servers[0].credentials_for("0123456789abcdef", now, c.turn_ttl);
        assert_eq!(username.as_deref(), Some("1700000000:0123456789abcdef"), "four hours by default");
        assert_eq!(password.as_deref(), Some("EbqP+CUAhpDVdnQoq4ZF3iy+1us="));
        let (other, _) = c.ice_servers[0].credentials_for("fedcba9876543210", now, c.turn_ttl);
        assert_ne!(username, other, "one per interview");

        let both = from(&[
            ("OTBOR_RTC_TURN_URLS", "turn:turn.example.ru:3478"),
            ("OTBOR_RTC_TURN_SECRET", "north-secret"),
            ("OTBOR_RTC_TURN_USERNAME", "otbor"),
            ("OTBOR_RTC_TURN_CREDENTIAL", "s3cret"),
        ]);
        assert!(format!("{:#}", both.unwrap_err()).contains("OTBOR_RTC_TURN_SECRET"));
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        for (k, v) in [
            ("OTBOR_RTC_UDP_PORTS", "60000-50000"),
            ("OTBOR_RTC_CAPACITY", "many"),
            ("OTBOR_RTC_TURN_URLS", "turn:x"),
        ] {
            let e = from(&[(k, v)]).unwrap_err();
            assert!(format!("{e:#}").contains(k), "{e:#}");
        }
    }
}
