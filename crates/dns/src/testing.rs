//! A real DNS server for tests: hickory-server on `127.0.0.1:0` (UDP and TCP), serving
//! in-memory zones, on a thread of its own with its own runtime. It lives as long as
//! the [`ZoneServer`] value.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::rdata::{A, MX, SOA, TXT};
use hickory_resolver::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::Server;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};

/// One record of a test zone.
#[derive(Debug, Clone)]
pub enum Rr {
    /// `name MX preference exchange` (`exchange` `.` is the null MX).
    Mx(&'static str, u16, &'static str),
    /// `name A address`.
    A(&'static str, Ipv4Addr),
    /// `name TXT text`: makes a name exist without mail records.
    Txt(&'static str, &'static str),
}

/// A running test DNS server. Dropping it stops the server.
#[derive(Debug)]
pub struct ZoneServer {
    addr: SocketAddr,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn name(s: &str) -> Name {
    #[allow(clippy::expect_used)] // Test zones are literals.
    Name::from_ascii(s).expect("a valid test name")
}

impl ZoneServer {
    /// Serves the zone `origin` (e.g. `test.`) with `records`, authoritatively: names in
    /// it that are not listed answer NXDOMAIN.
    pub fn start(origin: &'static str, records: Vec<Rr>) -> std::io::Result<Self> {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = addr_tx.send(Err(e));
                    return;
                }
            };
            rt.block_on(async move {
                let origin_name = name(origin);
                let mut zone = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(origin_name.clone(), ZoneType::Primary, AxfrPolicy::Deny);
                let soa = SOA::new(name(&format!("ns.{origin}")), name(&format!("hostmaster.{origin}")), 1, 3600, 600, 86_400, 60);
                zone.upsert_mut(Record::from_rdata(origin_name.clone(), 60, RData::SOA(soa)), 1);
                for rr in records {
                    let rec = match rr {
                        Rr::Mx(n, p, x) => Record::from_rdata(name(n), 60, RData::MX(MX::new(p, name(x)))),
                        Rr::A(n, ip) => Record::from_rdata(name(n), 60, RData::A(A(ip))),
                        Rr::Txt(n, t) => Record::from_rdata(name(n), 60, RData::TXT(TXT::new(vec![t.to_string()]))),
                    };
                    zone.upsert_mut(rec, 1);
                }
                let mut catalog = Catalog::new();
                catalog.upsert(LowerName::from(&origin_name), vec![Arc::new(zone)]);
                let mut server = Server::new(catalog);
                let udp = match tokio::net::UdpSocket::bind("127.0.0.1:0").await {
                    Ok(s) => s,
                    Err(e) => {
                        let _ = addr_tx.send(Err(e));
                        return;
                    }
                };
                let addr = match udp.local_addr() {
                    Ok(a) => a,
                    Err(e) => {
                        let _ = addr_tx.send(Err(e));
                        return;
                    }
                };
                // TCP on the same port when it is free (truncated answers fall back to it).
                if let Ok(tcp) = tokio::net::TcpListener::bind(addr).await {
                    server.register_listener(tcp, Duration::from_secs(5), 16);
                }
                server.register_socket(udp);
                let _ = addr_tx.send(Ok(addr));
                // Serve until the owner drops the handle.
                let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
                let _ = server.shutdown_gracefully().await;
            });
        });
        let addr = addr_rx.recv().map_err(|_| std::io::Error::other("the test DNS server did not start"))??;
        Ok(Self { addr, stop: Some(stop_tx), thread: Some(thread) })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for ZoneServer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The zones the bouncekit tests use, under `test.`:
/// `good.test` (MX with an address), `nullmx.test` (RFC 7505), `implicit.test` (A only),
/// `nomail.test` (TXT only), `dangling.test` (MX to a name that does not exist); any
/// other name under `test.` is NXDOMAIN.
pub fn standard_zone() -> Vec<Rr> {
    let lo = Ipv4Addr::new(127, 0, 0, 2);
    vec![
        Rr::Mx("good.test.", 10, "mx.good.test."),
        Rr::A("mx.good.test.", lo),
        Rr::Mx("nullmx.test.", 0, "."),
        Rr::A("implicit.test.", lo),
        Rr::Txt("nomail.test.", "no mail here"),
        Rr::Mx("dangling.test.", 10, "mx.nowhere.test."),
    ]
}
