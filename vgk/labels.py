"""Words for codes: the one place that turns a stored code (an order status, a payment method, an audit
action...) into what a person reads, in their language. Templates use the `label` filter:
`{{ order.status|label('order_status') }}`; `label_table(kind)` lists a kind's codes in order, for menus."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from vgk.models import (
    Condition,
    DeliveryStatus,
    Fulfilment,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    PayoutStatus,
    ProductStatus,
    ReportReason,
    Role,
    TwoFactor,
    UserStatus,
    WalletEntryKind,
)

Table = dict[str, Any]

TABLES: dict[str, Table] = {
    "role": {
        Role.CLIENT: _l("Client"),
        Role.STAFF: _l("Personnel"),
        Role.ADMIN: _l("Administrateur"),
    },
    "user_status": {
        UserStatus.ACTIVE: _l("Actif"),
        UserStatus.SUSPENDED: _l("Suspendu"),
        UserStatus.DELETED: _l("Supprimé"),
    },
    "two_factor": {
        TwoFactor.SMS: _l("Code par SMS"),
        TwoFactor.EMAIL: _l("Code par email"),
        TwoFactor.TOTP: _l("Application d’authentification"),
        "": _l("Aucune"),
    },
    "order_status": {
        OrderStatus.PENDING_PAYMENT: _l("En attente de paiement"),
        OrderStatus.PAID: _l("Payée"),
        OrderStatus.AT_PICKUP: _l("Article attendu au point relais"),
        OrderStatus.READY: _l("Prête à retirer"),
        OrderStatus.COMPLETED: _l("Retirée"),
        OrderStatus.OUT_FOR_DELIVERY: _l("En cours de livraison"),
        OrderStatus.DELIVERED: _l("Livrée"),
        OrderStatus.CANCELLED: _l("Annulée"),
        OrderStatus.EXPIRED: _l("Expirée (non payée)"),
        OrderStatus.REFUNDED: _l("Remboursée"),
    },
    "payment_method": {
        PaymentMethod.MTN_MOMO: _l("MTN Mobile Money"),
        PaymentMethod.ORANGE_MONEY: _l("Orange Money"),
        PaymentMethod.CARD: _l("Carte bancaire"),
        PaymentMethod.CASH: _l("Espèces au point relais"),
    },
    "payment_status": {
        PaymentStatus.PENDING: _l("En attente"),
        PaymentStatus.SUCCESSFUL: _l("Réussi"),
        PaymentStatus.FAILED: _l("Échoué"),
    },
    "payout_status": {
        PayoutStatus.REQUESTED: _l("Demandé"),
        PayoutStatus.PAID: _l("Envoyé"),
        PayoutStatus.REJECTED: _l("Refusé"),
        PayoutStatus.FAILED: _l("Échoué"),
    },
    "wallet_kind": {
        WalletEntryKind.SALE: _l("Vente"),
        WalletEntryKind.PAYOUT: _l("Retrait"),
        WalletEntryKind.PAYOUT_REVERSAL: _l("Retrait annulé"),
    },
    "product_status": {
        ProductStatus.DRAFT: _l("Brouillon"),
        ProductStatus.PENDING: _l("En attente de validation"),
        ProductStatus.ACTIVE: _l("En ligne"),
        ProductStatus.REJECTED: _l("Refusée"),
        ProductStatus.RESERVED: _l("Réservée"),
        ProductStatus.SOLD: _l("Vendue"),
        ProductStatus.ARCHIVED: _l("Archivée"),
    },
    "offer_status": {
        "OPEN": _l("En attente de réponse"),
        "COUNTERED": _l("Contre-offre faite"),
        "ACCEPTED": _l("Acceptée"),
        "DECLINED": _l("Refusée"),
        "USED": _l("Commandée"),
        "CLOSED": _l("Close"),
    },
    "condition": {
        Condition.NEW: _l("Neuf"),
        Condition.LIKE_NEW: _l("Comme neuf"),
        Condition.GOOD: _l("Bon état"),
        Condition.FAIR: _l("État correct"),
    },
    "report_reason": {
        ReportReason.FRAUD: _l("Arnaque ou fraude"),
        ReportReason.BANNED: _l("Article interdit"),
        ReportReason.MISLEADING: _l("Fausse photo ou description"),
        ReportReason.SOLD: _l("Déjà vendu"),
        ReportReason.OTHER: _l("Autre raison"),
    },
    "fulfilment": {
        Fulfilment.PICKUP: _l("Retrait en point relais"),
        Fulfilment.DELIVERY: _l("Livraison à domicile"),
    },
    "audit_action": {
        "category.create": _l("Catégorie créée"),
        "category.rename": _l("Catégorie renommée"),
        "category.move": _l("Catégorie déplacée"),
        "category.retire": _l("Catégorie retirée"),
        "category.restore": _l("Catégorie remise en service"),
        "settings.update": _l("Réglages modifiés"),
        "city.delivery_fee": _l("Frais de livraison modifiés"),
        "item.receive": _l("Article reçu au point relais"),
        "item.refuse": _l("Article refusé au point relais"),
        "order.cancel": _l("Commande annulée"),
        "order.dispatch": _l("Commande partie en livraison"),
        "order.deliver": _l("Commande livrée"),
        "order.refund": _l("Commande remboursée"),
        "order.hand_over": _l("Commande remise à l’acheteur"),
        "payout.approve": _l("Retrait approuvé"),
        "payout.reject": _l("Retrait refusé"),
        "point.create": _l("Point relais créé"),
        "point.update": _l("Point relais modifié"),
        "point.deactivate": _l("Point relais désactivé"),
        "product.approve": _l("Annonce approuvée"),
        "product.reject": _l("Annonce refusée"),
        "product.takedown": _l("Annonce retirée de la vente"),
        "reports.dismiss": _l("Signalements classés sans suite"),
        "reports.takedown": _l("Signalements retenus : annonce retirée"),
        "staff.create": _l("Compte du personnel créé"),
        "admin.create": _l("Compte administrateur créé"),
        "user.role": _l("Rôle modifié"),
        "user.suspend": _l("Compte suspendu"),
        "user.reinstate": _l("Compte réactivé"),
        "conversation.close": _l("Conversation fermée"),
        "conversation.reports_settled": _l("Signalements de messages traités"),
        "conversation.group_create": _l("Groupe de discussion créé"),
    },
    "audit_object": {
        "category": _l("Catégorie"),
        "city": _l("Ville"),
        "order": _l("Commande"),
        "order_item": _l("Article de commande"),
        "payout": _l("Retrait"),
        "pickup_point": _l("Point relais"),
        "settings": _l("Réglages"),
        "product": _l("Annonce"),
        "user": _l("Compte"),
        "conversation": _l("Conversation"),
    },
    "audit_field": {
        "status": _l("Statut"),
        "role": _l("Rôle"),
        "pickup_point_id": _l("Point relais"),
        "rejection_reason": _l("Raison du refus"),
        "flags": _l("Signalements"),
        "delivery_fee": _l("Frais de livraison"),
        "city_id": _l("Ville"),
        "name": _l("Nom"),
        "address": _l("Adresse"),
        "opening_hours": _l("Horaires"),
        "phone": _l("Téléphone"),
        "is_active": _l("Actif"),
        "parent_id": _l("Catégorie parente"),
        "slug": _l("Adresse web"),
        "name_fr": _l("Nom en français"),
        "name_en": _l("Nom en anglais"),
        "reason": _l("Raison"),
        "note": _l("Note"),
        "order": _l("Commande"),
        "order_status": _l("Statut de la commande"),
        "accepted": _l("Accepté"),
        "closed": _l("Fermée"),
        "hidden": _l("Messages masqués"),
        "reports": _l("Signalements traités"),
        "members": _l("Membres"),
        "title": _l("Titre"),
        "cash": _l("Espèces reçues"),
        "open_reports": _l("Signalements en attente"),
        "commission_percent": _l("Commission (%)"),
        "reservation_minutes": _l("Réservation d'une commande non payée (minutes)"),
        "cash_hold_hours": _l("Délai de dépôt d'une commande en espèces (heures)"),
        "drop_off_reminder_hours": _l("Rappel au vendeur avant l'échéance (heures)"),
        "banned_words": _l("Mots interdits"),
        "position": _l("Position"),
        "retired": _l("Retirée"),
    },
    "notify_status": {
        DeliveryStatus.QUEUED: _l("En attente d'envoi"),
        DeliveryStatus.DEFERRED: _l("Différé"),
        DeliveryStatus.SENDING: _l("En cours d'envoi"),
        DeliveryStatus.SENT: _l("Envoyé"),
        DeliveryStatus.DELIVERED: _l("Remis"),
        DeliveryStatus.READ: _l("Lu"),
        DeliveryStatus.FAILED: _l("Échec"),
        DeliveryStatus.SUPPRESSED: _l("Retenu (limite)"),
        DeliveryStatus.SKIPPED: _l("Ignoré (pas d'adresse)"),
        DeliveryStatus.DIGESTED: _l("Envoyé dans un résumé"),
    },
    "notify_channel": {
        "push": _l("Notification push"),
        "whatsapp": _l("WhatsApp"),
        "sms": _l("SMS"),
        "email": _l("Email"),
        "inapp": _l("Dans l'application"),
    },
    "notify_category": {
        "transactional": _l("Commandes et ventes"),
        "security": _l("Sécurité du compte"),
        "chat": _l("Messages"),
        "alerts": _l("Alertes"),
        "news": _l("Nouveautés"),
    },
    "notify_event": {
        "order.paid": _l("Commande payée"),
        "order.ready": _l("Commande prête à retirer"),
        "order.handed_over": _l("Commande remise"),
        "order.cancelled": _l("Commande annulée"),
        "sale.new": _l("Nouvelle vente"),
        "sale.reminder": _l("Rappel de dépôt au vendeur"),
        "chat.message": _l("Nouveau message"),
        "chat.offer": _l("Nouvelle offre de prix"),
        "listing.approved": _l("Annonce approuvée"),
        "listing.refused": _l("Annonce refusée"),
        "payout.sent": _l("Versement envoyé"),
        "payout.failed": _l("Versement échoué"),
        "security.new_signin": _l("Nouvelle connexion au compte"),
        "security.password_changed": _l("Mot de passe modifié"),
        "security.code": _l("Code de vérification"),
        "alert.price_drop": _l("Baisse de prix"),
        "alert.saved_search": _l("Nouveautés d'une recherche enregistrée"),
        "news.digest": _l("Résumé des nouveautés"),
        "order.placed": _l("Commande enregistrée"),
        "order.placed_cash": _l("Commande en espèces enregistrée"),
        "order.phone_check": _l("Vérification du téléphone de l'acheteur"),
        "order.confirmation": _l("Confirmation de commande (email)"),
        "order.code_resent": _l("Code de retrait renvoyé"),
        "order.receipt": _l("Reçu de paiement (email)"),
        "order.dispatched": _l("Commande en livraison"),
        "order.delivered": _l("Commande livrée"),
        "order.refused": _l("Article refusé au retrait"),
        "order.refunded": _l("Commande remboursée"),
        "order.expired": _l("Commande expirée"),
        "review.invite": _l("Invitation à laisser un avis (SMS)"),
        "review.invite_email": _l("Invitation à laisser un avis (email)"),
        "sale.new_delivery": _l("Nouvelle vente à livrer"),
        "sale.reminder_delivery": _l("Rappel de livraison au vendeur"),
        "sale.cancelled": _l("Vente annulée"),
        "payout.rejected": _l("Retrait refusé"),
        "security.phone_code": _l("Code de vérification du téléphone"),
        "security.signin_code": _l("Code de connexion"),
        "security.reauth_code": _l("Code de confirmation d'identité"),
        "security.reset_code": _l("Code de nouveau mot de passe"),
        "security.reset_link": _l("Lien de nouveau mot de passe"),
        "security.email_link": _l("Lien de vérification de l'email"),
        "listing.taken_down": _l("Annonce retirée par la modération"),
    },
    "notify_error": {
        "limit": _l("Trop de messages récents pour cette personne"),
        "unknown": _l("Issue inconnue (jamais renvoyé)"),
        "no_adapter": _l("Canal non configuré sur le serveur"),
        "window": _l("WhatsApp : hors de la fenêtre de 24 h, sans modèle approuvé"),
        "gone": _l("Abonnement push expiré"),
        "internal": _l("Erreur interne lors de l'envoi"),
        "refused": _l("Refusé par le service d'envoi"),
        "missing": _l("Aucun modèle pour ce canal"),
        "broken": _l("Ce modèle ne s'affiche pas : il contient une erreur."),
    },
    "feeling": {
        "positive": _l("Positif"),
        "neutral": _l("Neutre"),
        "negative": _l("Négatif"),
    },
    "feeling_reason": {
        "satisfied": _l("Acheteur satisfait"),
        "as_described": _l("Conforme à l’annonce"),
        "fast": _l("Rapide"),
        "serious": _l("Sérieux"),
        "friendly": _l("Aimable"),
        "good_price": _l("Bon prix"),
        "not_as_described": _l("Pas conforme à l’annonce"),
        "damaged": _l("Article abîmé"),
        "late": _l("Retard ou jamais reçu"),
        "unreachable": _l("Injoignable"),
        "scam": _l("Arnaque"),
        "rude": _l("Impoli ou insultant"),
        "off_platform": _l("Contact ou paiement hors de la plateforme"),
        "disappointed": _l("Déçu"),
    },
    "risk_reason": {
        "contact": _l("Coordonnées dans le texte"),
        "payment": _l("Paiement hors de la plateforme"),
        "banned_word": _l("Article interdit"),
        "price_outlier": _l("Prix anormal"),
        "duplicate_photo": _l("Photo d’un autre vendeur"),
        "scam": _l("Signes d’arnaque"),
        "counterfeit": _l("Contrefaçon probable"),
        "stolen": _l("Objet peut-être volé"),
        "vague": _l("Trop vague pour juger"),
    },
    "notify_period": {
        "day": _l("24 dernières heures"),
        "week": _l("7 derniers jours"),
        "month": _l("30 derniers jours"),
        "all": _l("Depuis le début"),
    },
}

# The status of an audited object is read with the table of its kind.
STATUS_OF_OBJECT = {"order": "order_status", "product": "product_status", "payout": "payout_status",
                    "user": "user_status"}


def label(code: object, kind: str) -> str:
    """The word for `code` in the table `kind`, in the reader's language; an unknown code is shown as is
    (nothing disappears), no code at all as a dash."""
    if code is None:
        code = ""
    word = TABLES[kind].get(str(code))
    if word is not None:
        return str(word)
    return str(code) if code != "" else "—"


def label_table(kind: str) -> list[tuple[str, str]]:
    """(code, word) pairs of a kind, in the table's order: for menus and filters."""
    return [(code, str(word)) for code, word in TABLES[kind].items() if code]


def audit_value(object_type: str, field: str, value: object) -> str:
    """A value from an audit entry's before/after, in words when it is a code."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("Oui") if value else _l("Non"))
    if field == "status" and object_type in STATUS_OF_OBJECT:
        return label(value, STATUS_OF_OBJECT[object_type])
    if field == "order_status":
        return label(value, "order_status")
    if field == "role":
        return label(value, "role")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if field == "flags":
        from vgk.services.selling.moderation import LABELS

        return ", ".join(str(LABELS.get(flag, flag)) for flag in str(value).split()) or "—"
    return str(value)


def register(app: Any) -> None:
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["label_table"] = label_table
    app.jinja_env.globals["audit_value"] = audit_value
