//! Orange (France): numbered error texts and a 5.1.1 that means "over quota".

use bouncekit_core::Reason;

use super::{has, Provider};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "orange",
    hosts: &["orange.fr", "wanadoo.fr", "francetelecom.fr"],
    domains: &["orange.fr", "wanadoo.fr"],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let t = ev.text;
    // 552 5.1.1 "Boite du destinataire pleine": the recipient is over quota.
    if has(t, "pleine") || (ev.reply_code.is_some_and(|c| c.get() == 552) && ev.status.is_some_and(|s| s.subject() == 1 && s.detail() == 1)) {
        return Some(Reason::MailboxFull);
    }
    if has(t, "adresse d au moins un destinataire invalide") || has(t, "destinataire inconnu") {
        return Some(Reason::UserUnknown);
    }
    if has(t, "mail rejete") || has(t, "spam") {
        return Some(Reason::Blocked);
    }
    None
}
