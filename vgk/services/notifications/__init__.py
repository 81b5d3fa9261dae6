"""The notification engine: `notify(recipient, event, context)` tells a person about an event on the channels
the event allows and the person accepts, one logged delivery per message, sent by jobs once the caller's
transaction commits.

- `events`: what can happen (category, urgency, fallback channels, in-app text, limits per topic);
- `templates`: the message files templates/notifications/<event>/<channel>.txt, rendered in a language;
- `addresses`: where a person is reached on each channel (phone, email, newest push subscription);
- `preferences`: the channels a person accepts per category;
- `engine`: `notify`, choosing channels, quiet hours and writing the delivery log;
- `limits`: how many messages a person may get per channel and category in a rolling window;
- `delivery`: the `deliver(delivery_id)` job and the move down the fallback list;
- `status`: providers' delivery callbacks applied to the log;
- `inapp`: a new in-app notice published live to the person's open pages once committed;
- `sealed`: codes and links with tokens kept sealed in the log until the message has left;
- `unsubscribe`: signed one-click unsubscribe links; `whatsapp_window`: WhatsApp's 24-hour window;
- `timing`: when a message may go (quiet hours, each person's most active hour for alerts and news);
- `digests`: messages of one person due together leaving as one;
- `experiments`: A/B variants of a message's words and their figures.
"""
from vgk.services.notifications.addresses import Guest
from vgk.services.notifications.engine import notify

__all__ = ["Guest", "notify"]
