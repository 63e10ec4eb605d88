//! A real Dovecot for tests (feature `testing`, never enabled in the binary): its own
//! configuration, Maildirs and throwaway TLS certificate in a temporary directory, IMAP,
//! IMAPS, POP3 and POP3S on free loopback ports, killed (through its child handle) when
//! the value is dropped. Used by this crate's tests and by the end-to-end tests of the
//! `bouncekit` binary.
//!
//! Needs the `dovecot` binary (Debian: `dovecot-imapd dovecot-pop3d`); the tests panic
//! with the install command when it is missing. Every user logs in with [`PASSWORD`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The password every test user has (static passdb).
pub const PASSWORD: &str = "secret";

/// How long Dovecot may take to accept logins.
const START_TIMEOUT: Duration = Duration::from_secs(15);

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// A running Dovecot and its temporary directory.
pub struct Dovecot {
    /// The master process; dropping the value kills it.
    child: Child,
    /// The temporary directory: configuration, logs, certificates, homes.
    pub dir: PathBuf,
    /// Plain IMAP port (STARTTLS available).
    pub imap: u16,
    /// IMAPS port.
    pub imaps: u16,
    /// Plain POP3 port (STLS available).
    pub pop3: u16,
    /// POP3S port.
    pub pop3s: u16,
    /// PEM of the CA that signed the server certificate (for `localhost` and 127.0.0.1).
    pub ca_pem: PathBuf,
    /// Owner of the mail files (the `mail` user when running as root, else ourselves).
    uid: u32,
    gid: u32,
    next_file: AtomicUsize,
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

/// `(name, uid, gid)` of a passwd entry chosen by `pick`.
fn passwd(pick: impl Fn(&str, u32) -> bool) -> Option<(String, u32, u32)> {
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        let (uid, gid) = (f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?);
        pick(f[0], uid).then(|| (f[0].to_string(), uid, gid))
    })
}

impl Dovecot {
    /// Starts a Dovecot and waits until it greets.
    pub fn start() -> Self {
        let binary = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"].into_iter().find(|p| Path::new(p).exists()).unwrap_or_else(|| {
            panic!("dovecot is not installed: apt-get install -y dovecot-imapd dovecot-pop3d (.ci/run does this)")
        });
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("bouncekit-mailbox-{}-{n}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(dir.join("home")).expect("temp dir");
        // The mail processes run as an unprivileged user that must reach the Maildirs.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::set_permissions(dir.join("home"), std::fs::Permissions::from_mode(0o755)).expect("chmod");

        let me = std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0);
        let (users, (uid, gid)) = if me == 0 {
            // Dovecot refuses root for login and mail processes: logins run as
            // dovenull (created by the Debian package), mail as `mail`.
            let (_, uid, gid) = passwd(|name, _| name == "mail").expect("a `mail` user in /etc/passwd");
            ("default_internal_user = root\ndefault_internal_group = root\ndefault_login_user = dovenull\n".to_string(), (uid, gid))
        } else {
            let (name, uid, gid) = passwd(|_, uid| uid == me).expect("our own passwd entry");
            (format!("default_internal_user = {name}\ndefault_login_user = {name}\n"), (uid, gid))
        };

        // A throwaway CA and a server certificate for localhost / 127.0.0.1.
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("params")
            .signed_by(&key, &ca)
            .expect("cert");
        let ca_pem = dir.join("ca.pem");
        std::fs::write(&ca_pem, ca.pem()).expect("write CA");
        std::fs::write(dir.join("server.pem"), cert.pem()).expect("write cert");
        std::fs::write(dir.join("server.key"), key.serialize_pem()).expect("write key");

        // A port found free may be taken by another process before Dovecot binds it:
        // then Dovecot exits with "Address already in use" and we try fresh ports.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (imap, imaps, pop3, pop3s) = (free_port(), free_port(), free_port(), free_port());
            let d = dir.display();
            let conf = format!(
                "base_dir = {d}/run
    state_dir = {d}/state
    log_path = {d}/dovecot.log
    instance_name = bouncekit-test-{n}
    protocols = imap pop3
    listen = 127.0.0.1
    {users}first_valid_uid = 1
    first_valid_gid = 1
    ssl = yes
    ssl_cert = <{d}/server.pem
    ssl_key = <{d}/server.key
    disable_plaintext_auth = no
    auth_mechanisms = plain login
    passdb {{
      driver = static
      args = password={PASSWORD}
    }}
    userdb {{
      driver = static
      args = uid={uid} gid={gid} home={d}/home/%u
    }}
    mail_location = maildir:~/Maildir
    pop3_uidl_format = %08Xu%08Xv
    service imap-login {{
      inet_listener imap {{
        port = {imap}
      }}
      inet_listener imaps {{
        port = {imaps}
        ssl = yes
      }}
    }}
    service pop3-login {{
      inet_listener pop3 {{
        port = {pop3}
      }}
      inet_listener pop3s {{
        port = {pop3s}
        ssl = yes
      }}
    }}
    "
            );
            std::fs::write(dir.join("dovecot.conf"), conf).expect("write config");
            let child = Command::new(binary)
                .arg("-F")
                .arg("-c")
                .arg(dir.join("dovecot.conf"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(dir.join("stderr.log")).expect("stderr log"))
                .spawn()
                .expect("start dovecot");
            let mut dovecot = Self { child, dir: dir.clone(), imap, imaps, pop3, pop3s, ca_pem: ca_pem.clone(), uid, gid, next_file: AtomicUsize::new(0) };
            match dovecot.wait_ready() {
                Ok(()) => return dovecot,
                Err(e) if attempt < 5 && e.contains("Address already in use") => {
                    let _ = dovecot.child.kill();
                    let _ = dovecot.child.wait();
                    std::fs::remove_dir_all(dir.join("run")).ok();
                    // Dropping it would remove the directory the next attempt reuses.
                    std::mem::forget(dovecot);
                }
                Err(e) => panic!("{e}"),
            }
        }
    }

    /// Waits until both plain listeners greet.
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        for (port, greeting) in [(self.imap, "* OK"), (self.pop3, "+OK")] {
            loop {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return Err(format!("dovecot exited with {status}:\n{}", self.logs()));
                }
                if greets(port, greeting) {
                    break;
                }
                if Instant::now() >= deadline {
                    return Err(format!("dovecot did not greet on port {port}:\n{}", self.logs()));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(())
    }

    /// Dovecot's own output and log, for assertion messages.
    pub fn logs(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.dir.join(f)).unwrap_or_default();
        format!("{}{}", read("stderr.log"), read("dovecot.log"))
    }

    /// The Maildir of `user`.
    pub fn maildir(&self, user: &str) -> PathBuf {
        self.dir.join("home").join(user).join("Maildir")
    }

    /// Delivers `message` into the INBOX of `user` the way an MTA would: into `new/`.
    /// File names sort in delivery order, the order Dovecot assigns UIDs in.
    pub fn deliver(&self, user: &str, message: &[u8]) {
        let home = self.dir.join("home").join(user);
        let maildir = home.join("Maildir");
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.join(sub)).expect("maildir");
        }
        let n = self.next_file.fetch_add(1, Ordering::Relaxed);
        let name = format!("{}.M{n:06}P{}.bouncekit-test", 1_700_000_000 + n, std::process::id());
        let tmp = maildir.join("tmp").join(&name);
        std::fs::write(&tmp, message).expect("write message");
        std::fs::rename(&tmp, maildir.join("new").join(&name)).expect("deliver");
        for p in [home.clone(), maildir.clone(), maildir.join("tmp"), maildir.join("new"), maildir.join("cur"), maildir.join("new").join(&name)] {
            std::os::unix::fs::chown(&p, Some(self.uid), Some(self.gid)).expect("chown");
        }
    }

    /// The messages in a Maildir folder (`""` is the INBOX, else `.Name`): file names
    /// in `new/` and `cur/`.
    pub fn files(&self, user: &str, folder: &str) -> Vec<String> {
        let base = if folder.is_empty() { self.maildir(user) } else { self.maildir(user).join(format!(".{folder}")) };
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(rd) = std::fs::read_dir(base.join(sub)) {
                out.extend(rd.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()));
            }
        }
        out.sort();
        out
    }
}

/// Whether a listener on `port` sends a greeting starting with `greeting`.
fn greets(port: u16, greeting: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    s.set_read_timeout(Some(Duration::from_secs(2))).ok();
    let mut buf = [0u8; 256];
    let ok = matches!(s.read(&mut buf), Ok(n) if buf[..n].starts_with(greeting.as_bytes()));
    s.write_all(if greeting == "+OK" { b"QUIT\r\n" } else { b"a LOGOUT\r\n" }).ok();
    ok
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // Only the master we started; its children exit when it is gone.
        self.child.kill().ok();
        self.child.wait().ok();
        if !std::thread::panicking() {
            std::fs::remove_dir_all(&self.dir).ok();
        }
    }
}
