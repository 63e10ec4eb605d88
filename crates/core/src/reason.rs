//! What went wrong ([`Reason`]), how it should be treated ([`Kind`]), whose fault it is
//! ([`Blame`]) and what to do ([`Action`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A name that is not one of the enum's serialised names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{name}`")]
pub struct UnknownName {
    /// Which enum was being parsed.
    pub what: &'static str,
    /// The name given.
    pub name: String,
}

macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The serialised (lowercase) name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(t))
                    .ok_or_else(|| UnknownName { what: $what, name: t.to_string() })
            }
        }
    };
}

named_enum! {
    /// Why a message was not delivered — the 34-name vocabulary Sisimai users know, so
    /// that a migration keeps every stored reason.
    Reason, "reason" {
        /// SMTP authentication of the sender domain failed: SPF, DKIM or DMARC.
        AuthFailure => "authfailure",
        /// The sending IP or domain has a bad reputation at the receiver.
        BadReputation => "badreputation",
        /// The sending host was refused: blocklist, missing rDNS match, client rejected.
        Blocked => "blocked",
        /// The message content was refused as malformed or unacceptable (not spam).
        ContentError => "contenterror",
        /// The message was delivered (positive DSN).
        Delivered => "delivered",
        /// A message-level limit other than size was exceeded (too many recipients…).
        ExceedLimit => "exceedlimit",
        /// Delivery gave up after the queue lifetime: timed out, retries exhausted.
        Expired => "expired",
        /// A feedback-loop complaint (ARF report).
        Feedback => "feedback",
        /// The recipient exists but refused this message (recipient-side filter).
        Filtered => "filtered",
        /// The recipient has moved and no forwarding address exists (X.1.6).
        HasMoved => "hasmoved",
        /// The recipient's domain does not exist or has no mail host.
        HostUnknown => "hostunknown",
        /// The recipient's mailbox is full.
        MailboxFull => "mailboxfull",
        /// A local mailer program (pipe, procmail) failed.
        MailerError => "mailererror",
        /// The message is larger than the receiver accepts.
        MesgTooBig => "mesgtoobig",
        /// A network problem: connection refused or reset, DNS lookup failure, loop.
        NetworkError => "networkerror",
        /// The sender is not allowed to relay through this host.
        NoRelaying => "norelaying",
        /// The destination does not accept mail at all (null MX, RFC 7505; 521/556).
        NotAccept => "notaccept",
        /// The message does not comply with RFC 5322/5321 as the receiver requires.
        NotCompliantRfc => "notcompliantrfc",
        /// The bounce could not be decided yet: held for a decision on more evidence.
        OnHold => "onhold",
        /// The message violates the receiver's policy (not spam, not authentication).
        PolicyViolation => "policyviolation",
        /// The envelope sender was refused (sender address rejected, domain of sender).
        Rejected => "rejected",
        /// The sending host has no PTR record or its PTR does not match.
        RequirePtr => "requireptr",
        /// Security problem: TLS required, authentication needed, certificate failure.
        SecurityError => "securityerror",
        /// The message was refused as spam.
        SpamDetected => "spamdetected",
        /// The sender sends too fast: rate limited.
        Speeding => "speeding",
        /// The recipient's mailbox is disabled or suspended.
        Suspend => "suspend",
        /// The SMTP dialogue was broken: a command error, bad syntax.
        SyntaxError => "syntaxerror",
        /// The receiving mail system failed (X.3.x, an error inside the mail system).
        SystemError => "systemerror",
        /// The receiving system's disk is full.
        SystemFull => "systemfull",
        /// Too many connections from the sender at once.
        TooManyConn => "toomanyconn",
        /// No reason could be found in the bounce.
        Undefined => "undefined",
        /// The recipient address does not exist.
        UserUnknown => "userunknown",
        /// An auto-reply (RFC 3834), such as a vacation notice.
        Vacation => "vacation",
        /// A virus was found in the message.
        VirusDetected => "virusdetected",
    }
}

named_enum! {
    /// How a record should be treated: the column of the default policy table.
    Kind, "kind" {
        /// Permanent failure where the recipient is to blame: suppress at once.
        Hard => "hard",
        /// Transient failure: count and retry.
        Soft => "soft",
        /// The sender or message was refused; the recipient is fine.
        Block => "block",
        /// A complaint (feedback loop): suppress at once.
        Complaint => "complaint",
        /// An auto-reply: nothing to do.
        AutoReply => "auto_reply",
        /// A delivery: clears soft counts.
        Delivered => "delivered",
        /// Not enough evidence to decide.
        Undetermined => "undetermined",
    }
}

named_enum! {
    /// Who is to blame for the failure.
    Blame, "blame" {
        /// The recipient address or mailbox.
        Recipient => "recipient",
        /// The sender: its IP, domain, authentication or reputation.
        Sender => "sender",
        /// The message itself: size, content, virus.
        Message => "message",
        /// The path between the two: DNS, connections, routing.
        Network => "network",
        /// Nobody identifiable.
        Unknown => "unknown",
    }
}

named_enum! {
    /// The recommended action for a record under the default policy.
    Action, "action" {
        /// Put the recipient on the suppression list.
        Suppress => "suppress",
        /// Keep the recipient; retry later (soft counting applies).
        Retry => "retry",
        /// Keep the recipient; alert the sender about a block at this provider.
        AlertSender => "alert_sender",
        /// Nothing to do.
        None => "none",
    }
}

impl Reason {
    /// The blame a reason carries on its own, before status codes are considered.
    pub fn blame(self) -> Blame {
        use Reason::*;
        match self {
            UserUnknown | HostUnknown | HasMoved | NotAccept | MailboxFull | Suspend
            | Filtered | SystemFull | MailerError | SystemError | Expired | OnHold => {
                Blame::Recipient
            }
            Blocked | BadReputation | AuthFailure | RequirePtr | Rejected | NoRelaying
            | Speeding | TooManyConn | SecurityError | Feedback => Blame::Sender,
            SpamDetected | PolicyViolation | ContentError | VirusDetected | MesgTooBig
            | ExceedLimit | NotCompliantRfc | SyntaxError => Blame::Message,
            NetworkError => Blame::Network,
            Delivered | Vacation | Undefined => Blame::Unknown,
        }
    }

    /// True for reasons where the receiver refuses the sender or the message, never the
    /// recipient: these must not suppress the recipient.
    pub fn is_sender_side(self) -> bool {
        matches!(self.blame(), Blame::Sender | Blame::Message)
            && !matches!(self, Reason::Feedback)
    }
}
