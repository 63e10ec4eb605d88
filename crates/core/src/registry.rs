//! The IANA "SMTP Enhanced Status Codes" registry (last updated 2024-12-06), as data.
//!
//! One row per enumerated code: subject, detail, the classes the registry or its RFC
//! documents the code for, the associated basic reply codes as the registry writes them,
//! the registry's sample text and the defining reference. Subject rows (`X.3.YYY`) are in
//! [`SUBJECTS`], class rows in [`CLASSES`].

/// One enumerated code of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The subject digit (second part of the code).
    pub subject: u16,
    /// The detail number (third part of the code).
    pub detail: u16,
    /// Classes the code is documented for (subset of 2, 4, 5).
    pub classes: &'static [u8],
    /// The registry's "Associated basic status code" field, `;`-separated, as written.
    pub basic: &'static str,
    /// The registry's sample text ("" for X.6.10, which has none).
    pub title: &'static str,
    /// The defining document(s).
    pub reference: &'static str,
}

impl Entry {
    /// The `X.s.d` form of the code.
    pub fn generic(&self) -> String {
        format!("X.{}.{}", self.subject, self.detail)
    }

    /// True when the registry documents the code for `class`.
    pub fn valid_in(&self, class: u8) -> bool {
        self.classes.contains(&class)
    }
}

/// Looks up an enumerated code by subject and detail.
pub fn lookup(subject: u16, detail: u16) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.subject == subject && e.detail == detail)
}

/// `(class digit, registry title)` for the three class sub-codes.
pub const CLASSES: &[(u8, &str)] = &[
    (2, "Success"),
    (4, "Persistent Transient Failure"),
    (5, "Permanent Failure"),
];

/// `(subject digit, registry title)` for the eight subject sub-codes.
pub const SUBJECTS: &[(u16, &str)] = &[
    (0, "Other or Undefined Status"),
    (1, "Addressing Status"),
    (2, "Mailbox Status"),
    (3, "Mail System Status"),
    (4, "Network and Routing Status"),
    (5, "Mail Delivery Protocol Status"),
    (6, "Message Content or Media Status"),
    (7, "Security or Policy Status"),
];

/// Every enumerated code of the registry, in registry order.
pub const ENTRIES: &[Entry] = &[
    Entry { subject: 0, detail: 0, classes: &[2, 4, 5], basic: "Any", title: "Other undefined Status", reference: "RFC 3463" },
    Entry { subject: 1, detail: 0, classes: &[4, 5], basic: "Not given", title: "Other address status", reference: "RFC 3463" },
    Entry { subject: 1, detail: 1, classes: &[4, 5], basic: "451;550", title: "Bad destination mailbox address", reference: "RFC 3463" },
    Entry { subject: 1, detail: 2, classes: &[5], basic: "Not given", title: "Bad destination system address", reference: "RFC 3463" },
    Entry { subject: 1, detail: 3, classes: &[5], basic: "501", title: "Bad destination mailbox address syntax", reference: "RFC 3463" },
    Entry { subject: 1, detail: 4, classes: &[4, 5], basic: "Not given", title: "Destination mailbox address ambiguous", reference: "RFC 3463" },
    Entry { subject: 1, detail: 5, classes: &[2], basic: "250", title: "Destination address valid", reference: "RFC 3463" },
    Entry { subject: 1, detail: 6, classes: &[5], basic: "Not given", title: "Destination mailbox has moved, No forwarding address", reference: "RFC 3463" },
    Entry { subject: 1, detail: 7, classes: &[4, 5], basic: "Not given", title: "Bad sender's mailbox address syntax", reference: "RFC 3463" },
    Entry { subject: 1, detail: 8, classes: &[4, 5], basic: "451;501", title: "Bad sender's system address", reference: "RFC 3463" },
    Entry { subject: 1, detail: 9, classes: &[2], basic: "Not given", title: "Message relayed to non-compliant mailer", reference: "RFC 3886" },
    Entry { subject: 1, detail: 10, classes: &[5], basic: "556", title: "Recipient address has null MX", reference: "RFC 7505; RFC 7504" },
    Entry { subject: 2, detail: 0, classes: &[4, 5], basic: "Not given", title: "Other or undefined mailbox status", reference: "RFC 3463" },
    Entry { subject: 2, detail: 1, classes: &[4, 5], basic: "Not given", title: "Mailbox disabled, not accepting messages", reference: "RFC 3463" },
    Entry { subject: 2, detail: 2, classes: &[4, 5], basic: "552", title: "Mailbox full", reference: "RFC 3463" },
    Entry { subject: 2, detail: 3, classes: &[5], basic: "552", title: "Message length exceeds administrative limit", reference: "RFC 3463" },
    Entry { subject: 2, detail: 4, classes: &[4, 5], basic: "450;452", title: "Mailing list expansion problem", reference: "RFC 3463" },
    Entry { subject: 3, detail: 0, classes: &[2, 4, 5], basic: "221;250;421;451;550;554", title: "Other or undefined mail system status", reference: "RFC 3463" },
    Entry { subject: 3, detail: 1, classes: &[4], basic: "452", title: "Mail system full", reference: "RFC 3463" },
    Entry { subject: 3, detail: 2, classes: &[4, 5], basic: "453;521", title: "System not accepting network messages", reference: "RFC 3463; RFC 7504" },
    Entry { subject: 3, detail: 3, classes: &[4, 5], basic: "Not given", title: "System not capable of selected features", reference: "RFC 3463" },
    Entry { subject: 3, detail: 4, classes: &[5], basic: "552;554", title: "Message too big for system", reference: "RFC 3463" },
    Entry { subject: 3, detail: 5, classes: &[4, 5], basic: "Not given", title: "System incorrectly configured", reference: "RFC 3463" },
    Entry { subject: 3, detail: 6, classes: &[2], basic: "250;251", title: "Requested priority was changed", reference: "RFC 6710" },
    Entry { subject: 4, detail: 0, classes: &[4, 5], basic: "Not given", title: "Other or undefined network or routing status", reference: "RFC 3463" },
    Entry { subject: 4, detail: 1, classes: &[4], basic: "451", title: "No answer from host", reference: "RFC 3463" },
    Entry { subject: 4, detail: 2, classes: &[4], basic: "421", title: "Bad connection", reference: "RFC 3463" },
    Entry { subject: 4, detail: 3, classes: &[4, 5], basic: "451;550", title: "Directory server failure", reference: "RFC 3463" },
    Entry { subject: 4, detail: 4, classes: &[4, 5], basic: "Not given", title: "Unable to route", reference: "RFC 3463" },
    Entry { subject: 4, detail: 5, classes: &[4], basic: "451", title: "Mail system congestion", reference: "RFC 3463" },
    Entry { subject: 4, detail: 6, classes: &[4], basic: "Not given", title: "Routing loop detected", reference: "RFC 3463" },
    Entry { subject: 4, detail: 7, classes: &[4, 5], basic: "Not given", title: "Delivery time expired", reference: "RFC 3463" },
    Entry { subject: 5, detail: 0, classes: &[2, 4, 5], basic: "220;250;251;252;253;451;452;454;458;459;501;502;503;554", title: "Other or undefined protocol status", reference: "RFC 3463" },
    Entry { subject: 5, detail: 1, classes: &[4, 5], basic: "430;500;501;503;530;550;554;555", title: "Invalid command", reference: "RFC 3463" },
    Entry { subject: 5, detail: 2, classes: &[5], basic: "500;501;502;550;555", title: "Syntax error", reference: "RFC 3463" },
    Entry { subject: 5, detail: 3, classes: &[4], basic: "451", title: "Too many recipients", reference: "RFC 3463" },
    Entry { subject: 5, detail: 4, classes: &[4, 5], basic: "451;501;502;503;504;550;555", title: "Invalid command arguments", reference: "RFC 3463" },
    Entry { subject: 5, detail: 5, classes: &[4, 5], basic: "Not given", title: "Wrong protocol version", reference: "RFC 3463" },
    Entry { subject: 5, detail: 6, classes: &[4, 5], basic: "500", title: "Authentication Exchange line is too long", reference: "RFC 4954" },
    Entry { subject: 6, detail: 0, classes: &[4, 5], basic: "Not given", title: "Other or undefined media error", reference: "RFC 3463" },
    Entry { subject: 6, detail: 1, classes: &[5], basic: "Not given", title: "Media not supported", reference: "RFC 3463" },
    Entry { subject: 6, detail: 2, classes: &[4, 5], basic: "Not given", title: "Conversion required and prohibited", reference: "RFC 3463" },
    Entry { subject: 6, detail: 3, classes: &[5], basic: "554", title: "Conversion required but not supported", reference: "RFC 3463" },
    Entry { subject: 6, detail: 4, classes: &[2, 5], basic: "250", title: "Conversion with loss performed", reference: "RFC 3463" },
    Entry { subject: 6, detail: 5, classes: &[4, 5], basic: "Not given", title: "Conversion Failed", reference: "RFC 3463" },
    Entry { subject: 6, detail: 6, classes: &[4, 5], basic: "554", title: "Message content not available", reference: "RFC 4468" },
    Entry { subject: 6, detail: 7, classes: &[5], basic: "553;550", title: "Non-ASCII addresses not permitted for that sender/recipient", reference: "RFC 6531" },
    Entry { subject: 6, detail: 8, classes: &[2, 5], basic: "252;553;550", title: "UTF-8 string reply is required, but not permitted by the SMTP client", reference: "RFC 6531" },
    Entry { subject: 6, detail: 9, classes: &[5], basic: "550", title: "UTF-8 header message cannot be transferred to one or more recipients, so the message must be rejected", reference: "RFC 6531" },
    Entry { subject: 6, detail: 10, classes: &[], basic: "", title: "", reference: "RFC 6531" },
    Entry { subject: 7, detail: 0, classes: &[2, 4, 5], basic: "220;235;450;454;500;501;503;504;530;535;550", title: "Other or undefined security status", reference: "RFC 3463" },
    Entry { subject: 7, detail: 1, classes: &[4, 5], basic: "451;454;502;503;533;550;551", title: "Delivery not authorized, message refused", reference: "RFC 3463" },
    Entry { subject: 7, detail: 2, classes: &[5], basic: "550", title: "Mailing list expansion prohibited", reference: "RFC 3463" },
    Entry { subject: 7, detail: 3, classes: &[5], basic: "Not given", title: "Security conversion required but not possible", reference: "RFC 3463" },
    Entry { subject: 7, detail: 4, classes: &[5], basic: "504", title: "Security features not supported", reference: "RFC 3463" },
    Entry { subject: 7, detail: 5, classes: &[4, 5], basic: "Not given", title: "Cryptographic failure", reference: "RFC 3463" },
    Entry { subject: 7, detail: 6, classes: &[4, 5], basic: "Not given", title: "Cryptographic algorithm not supported", reference: "RFC 3463" },
    Entry { subject: 7, detail: 7, classes: &[2, 4, 5], basic: "Not given", title: "Message integrity failure", reference: "RFC 3463" },
    Entry { subject: 7, detail: 8, classes: &[5], basic: "535;554", title: "Authentication credentials invalid", reference: "RFC 4954" },
    Entry { subject: 7, detail: 9, classes: &[5], basic: "534", title: "Authentication mechanism is too weak", reference: "RFC 4954" },
    Entry { subject: 7, detail: 10, classes: &[5], basic: "523", title: "Encryption Needed", reference: "RFC 5248" },
    Entry { subject: 7, detail: 11, classes: &[5], basic: "524;538", title: "Encryption required for requested authentication mechanism", reference: "RFC 4954" },
    Entry { subject: 7, detail: 12, classes: &[4], basic: "422;432", title: "A password transition is needed", reference: "RFC 4954" },
    Entry { subject: 7, detail: 13, classes: &[5], basic: "525", title: "User Account Disabled", reference: "RFC 5248" },
    Entry { subject: 7, detail: 14, classes: &[5], basic: "535;554", title: "Trust relationship required", reference: "RFC 5248" },
    Entry { subject: 7, detail: 15, classes: &[4, 5], basic: "450;550 (other 4XX or 5XX codes are allowed)", title: "Priority Level is too low", reference: "RFC 6710" },
    Entry { subject: 7, detail: 16, classes: &[4, 5], basic: "552 (other 4XX or 5XX codes are allowed)", title: "Message is too big for the specified priority", reference: "RFC 6710" },
    Entry { subject: 7, detail: 17, classes: &[5], basic: "5XX", title: "Mailbox owner has changed", reference: "RFC 7293" },
    Entry { subject: 7, detail: 18, classes: &[5], basic: "5XX", title: "Domain owner has changed", reference: "RFC 7293" },
    Entry { subject: 7, detail: 19, classes: &[5], basic: "5XX", title: "RRVS test cannot be completed", reference: "RFC 7293" },
    Entry { subject: 7, detail: 20, classes: &[5], basic: "550", title: "No passing DKIM signature found", reference: "RFC 7372; RFC 6376" },
    Entry { subject: 7, detail: 21, classes: &[5], basic: "550", title: "No acceptable DKIM signature found", reference: "RFC 7372; RFC 6376" },
    Entry { subject: 7, detail: 22, classes: &[5], basic: "550", title: "No valid author-matched DKIM signature found", reference: "RFC 7372; RFC 6376" },
    Entry { subject: 7, detail: 23, classes: &[5], basic: "550", title: "SPF validation failed", reference: "RFC 7372; RFC 7208" },
    Entry { subject: 7, detail: 24, classes: &[4, 5], basic: "451;550", title: "SPF validation error", reference: "RFC 7372; RFC 7208" },
    Entry { subject: 7, detail: 25, classes: &[5], basic: "550", title: "Reverse DNS validation failed", reference: "RFC 7372 Section 3.3" },
    Entry { subject: 7, detail: 26, classes: &[5], basic: "550", title: "Multiple authentication checks failed", reference: "RFC 7372" },
    Entry { subject: 7, detail: 27, classes: &[5], basic: "550", title: "Sender address has null MX", reference: "RFC 7505" },
    Entry { subject: 7, detail: 28, classes: &[4, 5], basic: "", title: "Mail flood detected", reference: "draft-levine-mailbomb-header-00" },
    Entry { subject: 7, detail: 29, classes: &[5], basic: "550", title: "ARC validation failure", reference: "RFC 8617" },
    Entry { subject: 7, detail: 30, classes: &[5], basic: "550", title: "REQUIRETLS support required", reference: "RFC 8689" },
];
