//! Instant messaging between users of the emulator: `communication` with `startMessaging`,
//! `messagingInvitation` (accept, decline), `conversation`, `messaging` (sendMessage,
//! setIsTyping, stopMessaging), `message` and `participant`, with the events the reference's
//! walkthroughs (SendAnIM, ReceiveAnIM) show, in the order they show them.
//!
//! A conversation is a model of its own ([`model::Threads`]): its roster of N participants,
//! each with the place of their own side (a `conversation` resource in their own application),
//! and its messages (the latest [`crate::Limits::max_messages`]). Whatever one side does is
//! announced to the sides of everyone else in the roster. Where the reference is silent:
//! - an invitation rings every available application of the invitee (as a server forks it to
//!   each endpoint); the first to accept wins, and the others' invitations complete with
//!   `Failure`, subcode `ConnectedElsewhere` (the subcode the reference's list has for it), and
//!   their sides are deleted; a decline on any ends the ringing on all;
//! - an invitation fails, as a `completed` event with status `Failure` and a reason, when the
//!   invitee is unknown (`NotFound`, subcode `DestinationNotFound`), has no available
//!   application or is `Offline` (`RemoteFailure`, `TemporarilyUnavailable`), or declines
//!   (`RemoteFailure`, `Declined`);
//! - addParticipant (`participantInvitations?conversation=…`, as the walkthroughs link it)
//!   makes the conversation a conference and rings the invitee like startMessaging; when they
//!   accept, their side hears each participant already there added (in the order they
//!   joined), every other side hears the newcomer added, and the participantInvitation
//!   completes; inviting someone already in the roster answers 409 `AlreadyExists`;
//! - leaving (stopMessaging, or deleting the conversation) ends the leaver's side (`messaging`
//!   updated to `Disconnected`, then the conversation `deleted`) and the others hear the
//!   participant `deleted`; a two-party conversation then ends for the other side too, a
//!   conference goes on while anyone is in it. A participant whose application is gone
//!   (deleted, expired) leaves the roster when someone next speaks to it;
//! - a message is sent as `text/plain` or `text/html` and arrives as a `completed` message event
//!   carrying it as a `data:` URI (`plainMessage` or `htmlMessage`) on every other side;
//!   sending on an ended or unaccepted conversation answers 409 `Conflict`;
//! - setIsTyping tells the others that the participant is typing (`added` in
//!   `typingParticipants`) until their next message (`deleted`);
//! - `communication/conversations` lists the application's conversations;
//! - when a side ends, its user's history hears what was said and who took part
//!   ([`crate::state::News::ConversationEnded`]; an invitation the inviter gave up on before
//!   anyone answered is a missed one for the invitee); history's continueMessaging asks this
//!   task to open a conversation as startMessaging does ([`crate::state::News::ContinueMessaging`]);
//! - an application holds at most [`crate::Limits::max_conversations`] conversations (403
//!   `LimitExceeded` past it; an application at its bound is not rung).
//!
//! Meetings are conversations too ([`conference`]: the focus beside the roster — the meeting as
//! booked, roles, the lobby; [`meeting`]: their handlers). Where the reference is silent:
//! - startOnlineMeeting begins a meeting organized by the caller, who alone leads it (its
//!   access level `SameEnterprise`); joinOnlineMeeting joins one in progress by its URI, or
//!   begins a scheduled one (published by the meetings task in [`crate::focus`]); a deleted
//!   scheduled meeting can no longer be joined; an unknown URI is 404 `DestinationNotFound`;
//!   at most [`crate::Limits::max_meeting_joins`] meetings are in progress (403
//!   `LimitExceeded`);
//! - entering: the onlineMeetingInvitation `started`, the conversation `added`; then, for one
//!   who enters (a leader; anyone for `Everyone`; the organizer's domain for `SameEnterprise`;
//!   the attendees named for `Invited`; no one else for `Locked`), the conversation `updated`
//!   (connected), the localParticipant and each one there `added`, the `onlineMeeting`
//!   `added`, the invitation `completed`, and everyone there hears the newcomer `added`; anyone
//!   else waits in the lobby (at most [`crate::Limits::max_lobby`]; past it the join fails,
//!   `Forbidden`/`LobbyFull`), the invitation still `Connecting`, and the leaders
//!   hear a participant `added` in `lobby`;
//! - addParticipant on a meeting's conversation rings the invitee with an incoming
//!   onlineMeetingInvitation (`accept`, `decline` under `onlineMeetingInvitations/{n}`);
//!   accepting takes a seat as entering does (the lobby is not asked: someone in the meeting
//!   invited them), then the inviter's participantInvitation completes; declining fails it
//!   (`Declined`);
//! - a meeting's messaging is added after joining (addMessaging: a messagingInvitation
//!   `started`, messaging `updated`, `completed`); messages reach the sides whose messaging is
//!   connected;
//! - the leaders' operations are links on the participant, given only to a leader and only
//!   where they apply (admit, reject in the lobby; eject and promote or demote in the
//!   meeting); another caller gets 403 `Forbidden` (subcode `NotALeader`). Admitting seats the
//!   participant as above; rejecting fails their invitation (`Forbidden`, subcode `Rejected`)
//!   and deletes their conversation; the leaders hear them `deleted` from `lobby`. Ejecting
//!   ends the participant's side as leaving does; promoting and demoting are a participant
//!   `updated` (with its `role`) on every side, `localParticipant` on their own; the organizer
//!   stays a leader;
//! - a meeting's conversation carries `audienceMessaging` (`Enabled` as the meeting begins)
//!   and `audienceMute` (the mute lock, `Disabled` as it begins) and, for a leader only, the link that turns
//!   each the other way (enable/disableAudienceMessaging under its messaging, as the
//!   reference's samples place them; enable/disableAudienceMuteLock under the conversation);
//!   a change is a conversation `updated` on every side; switching to the value it has is a
//!   204 that announces nothing. While audience messaging is disabled, an attendee's
//!   sendMessage is a 409 `Conflict` without subcode (sendMessage's table has no closer entry);
//!   leaders still send;
//! - `lobby` lists those waiting to a leader (empty to others); `attendees` and `leaders` link
//!   to the participants of each role; a guest (the anonymous meeting grant) is a participant
//!   with `anonymous` true.
//!
//! The model ([`model`]: the roster, each side's and each invitation's states) is tested
//! without HTTP; [`render`] makes the resources and events; [`mod@routes`] holds the handlers.

mod conference;
mod meeting;
mod model;
mod render;
mod routes;

pub(crate) use render::communication;
pub(crate) use routes::{count, hear, messages, participant_of, routes};
