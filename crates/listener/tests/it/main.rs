//! Integration tests of the bounce listener: the real server on `127.0.0.1:0`, spoken to
//! with raw SMTP/LMTP bytes (and once with Python's smtplib, once over STARTTLS).

mod lifecycle;
mod limits;
mod lmtp;
mod python;
mod smtp;
mod support;
mod tls;
mod verp;
mod hostile;
