"""The data model, one module per domain. Importing this package registers every table."""
from vgk.models.accounts import (  # noqa: F401
    AuthSession,
    CodePurpose,
    OneTimeCode,
    RecoveryCode,
    RefreshToken,
    Role,
    SignInChallenge,
    SignInFailure,
    StaffDevice,
    TwoFactor,
    User,
    UserStatus,
)
from vgk.models.alerts import SearchAlert  # noqa: F401
from vgk.models.audit import AuditEntry  # noqa: F401
from vgk.models.catalog import (  # noqa: F401
    Category,
    City,
    Condition,
    Favourite,
    ListingReport,
    PickupPoint,
    Product,
    ProductImage,
    ProductStatus,
    ProductTranslation,
    ReportReason,
    Review,
    SearchWord,
)
from vgk.models.chat import (  # noqa: F401
    Block,
    ChatMessage,
    Conversation,
    ConversationKind,
    ConversationMember,
    MessageKind,
    MessageReport,
    Offer,
    OfferStatus,
)
from vgk.models.discovery import (  # noqa: F401
    BehaviourEvent,
    EventKind,
    ItemNeighbour,
    ModelJudgement,
    NeighbourKind,
    TrendingItem,
)
from vgk.models.notifications import Notification, OutboxMessage  # noqa: F401
from vgk.models.notify import (  # noqa: F401
    DeliveryStatus,
    NotificationDelivery,
    NotificationExperiment,
    NotificationPreference,
    NotificationSettings,
)
from vgk.models.orders import (  # noqa: F401
    Cart,
    CartItem,
    Fulfilment,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PaymentMethod,
)
from vgk.models.payments import (  # noqa: F401
    Payment,
    PaymentCallback,
    PaymentStatus,
    Payout,
    PayoutStatus,
    WalletEntry,
    WalletEntryKind,
)
from vgk.models.push import PushSubscription  # noqa: F401
from vgk.models.settings import Setting  # noqa: F401
from vgk.models.storage import StoredFile  # noqa: F401
from vgk.models.whatsapp import WhatsAppContact  # noqa: F401
