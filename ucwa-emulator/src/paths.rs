//! Every URL the emulator serves, in one place: the route template of each resource (what the
//! router matches, in [`route`]) and the builder of its href (what links and events point at).
//! Each template is written once, as a macro, and each builder fills that same template in, so
//! that a link cannot point where no route serves.
//!
//! Conversations share one id space per application, split here and nowhere else: the scripted
//! call is [`CALL_CONVERSATION`], instant messaging numbers its conversations and invitations
//! from [`FIRST_MESSAGING`] (the conversations of meetings, joined or met now, among them).
//!
//! Addresses in paths: a contact (and a subscription's member) is addressed by its sign-in
//! address in lower case, as the walkthroughs show; a participant and a photo by the address
//! as configured.

use crate::directory::User;

// The templates, each built on its parent's. Placeholders are named as the route's `Path`
// extractors take them, and as the builders pass them to `format!`.
macro_rules! applications {
    () => {
        "/ucwa/oauth/v1/applications"
    };
}
macro_rules! app {
    () => {
        concat!(applications!(), "/{app}")
    };
}
macro_rules! me {
    () => {
        concat!(app!(), "/me")
    };
}
macro_rules! communication {
    () => {
        concat!(app!(), "/communication")
    };
}
macro_rules! conversation {
    () => {
        concat!(communication!(), "/conversations/{conversation}")
    };
}
macro_rules! audio_video {
    () => {
        concat!(conversation!(), "/audioVideo")
    };
}
macro_rules! participant {
    () => {
        concat!(conversation!(), "/participants/{participant}")
    };
}
macro_rules! messaging {
    () => {
        concat!(conversation!(), "/messaging")
    };
}
macro_rules! messaging_invitation {
    () => {
        concat!(communication!(), "/messagingInvitations/{invitation}")
    };
}
macro_rules! participant_invitations {
    () => {
        concat!(communication!(), "/participantInvitations")
    };
}
macro_rules! call_invitation {
    () => {
        concat!(communication!(), "/invitations/{invitation}")
    };
}
// The user's call forwarding settings, and their three parts (`{part}`).
macro_rules! forwarding {
    () => {
        concat!(me!(), "/callForwardingSettings")
    };
}
// Phone audio (call via work): each call is its own conversation, numbered apart from the
// conversations instant messaging and the scripted call use, so that neither task's routes
// see the other's ids.
macro_rules! phone_call {
    () => {
        concat!(communication!(), "/phoneCalls/{call}")
    };
}
macro_rules! phone_audio {
    () => {
        concat!(phone_call!(), "/phoneAudio")
    };
}
macro_rules! phone_invitation {
    () => {
        concat!(communication!(), "/phoneAudioInvitations/{call}")
    };
}
// The user's conversation history: logs, each with its transcripts in pages.
macro_rules! conversation_logs {
    () => {
        concat!(communication!(), "/conversationLogs")
    };
}
macro_rules! conversation_log {
    () => {
        concat!(conversation_logs!(), "/{log}")
    };
}
macro_rules! meeting_joins {
    () => {
        concat!(communication!(), "/onlineMeetingInvitations")
    };
}
macro_rules! online_meetings {
    () => {
        concat!(app!(), "/onlineMeetings")
    };
}
macro_rules! my_meetings {
    () => {
        concat!(online_meetings!(), "/myOnlineMeetings")
    };
}
macro_rules! my_meeting {
    () => {
        concat!(my_meetings!(), "/{meeting}")
    };
}
macro_rules! people {
    () => {
        concat!(app!(), "/people")
    };
}
macro_rules! contact {
    () => {
        concat!(people!(), "/{address}")
    };
}
macro_rules! subscriptions {
    () => {
        concat!(people!(), "/presenceSubscriptions")
    };
}
macro_rules! memberships {
    () => {
        concat!(people!(), "/presenceSubscriptionMemberships")
    };
}
// The user's contact list: memberships of contacts in groups, the subscription to the list's
// changes, distribution groups of the directory.
macro_rules! group_memberships {
    () => {
        concat!(people!(), "/groupMemberships")
    };
}
macro_rules! list_subscription {
    () => {
        concat!(people!(), "/contactsAndGroupsSubscription")
    };
}
macro_rules! distribution_group {
    () => {
        concat!(people!(), "/distributionGroups/{group}")
    };
}

/// Where a client starts: the `applications` resource.
pub const APPLICATIONS_PATH: &str = applications!();
/// Where a meeting's guest (an anonymous token) creates its application.
pub const ANON_APPLICATIONS_PATH: &str = "/ucwa/oauth/v1/anonApplications";
/// Where each origin's token endpoint is.
pub const TOKEN_PATH: &str = "/WebTicket/oauthtoken";
/// Where the root resource is on the discovery host, besides `/`.
pub const ROOT_PATH: &str = "/Autodiscover/AutodiscoverService.svc/root";
/// Where the user resource is.
pub const USER_PATH: &str = "/Autodiscover/AutodiscoverService.svc/root/oauth/user";
/// The XFrame page the root and user resources link to (not served).
pub(crate) const XFRAME_PATH: &str = "/Autodiscover/XFrame/XFrame.html";

/// The conversation every application's scripted call is in.
pub(crate) const CALL_CONVERSATION: u64 = 1;
/// The remote participant of that call.
pub(crate) const CALL_PARTICIPANT: u64 = 1;
/// The first id of instant messaging's conversations and invitations (after the call's).
pub(crate) const FIRST_MESSAGING: u64 = CALL_CONVERSATION + 1;

/// The route templates, for the router (`{app}`, `{conversation}`, … are its path
/// parameters).
pub(crate) mod route {
    /// An application.
    pub(crate) const APP: &str = app!();
    pub(crate) const EVENTS: &str = concat!(app!(), "/events");
    pub(crate) const BATCH: &str = concat!(app!(), "/batch");
    pub(crate) const PHOTO: &str = concat!(app!(), "/photos/{address}");

    pub(crate) const ME: &str = me!();
    pub(crate) const MAKE_ME_AVAILABLE: &str = concat!(me!(), "/makeMeAvailable");
    pub(crate) const REPORT_MY_ACTIVITY: &str = concat!(me!(), "/reportMyActivity");
    pub(crate) const PRESENCE: &str = concat!(me!(), "/presence");
    pub(crate) const NOTE: &str = concat!(me!(), "/note");
    pub(crate) const LOCATION: &str = concat!(me!(), "/location");
    pub(crate) const PHONES: &str = concat!(me!(), "/phones");
    pub(crate) const PHONE: &str = concat!(me!(), "/phones/{phone}");
    pub(crate) const PHONE_OPERATION: &str = concat!(me!(), "/phones/{phone}/{operation}");

    pub(crate) const COMMUNICATION: &str = communication!();
    pub(crate) const START_MESSAGING: &str = concat!(communication!(), "/startMessaging");
    pub(crate) const CALL_INVITATION: &str = call_invitation!();
    pub(crate) const CALL_NEGOTIATION: &str = concat!(call_invitation!(), "/audioVideoNegotiation");
    pub(crate) const MESSAGING_INVITATION: &str = messaging_invitation!();
    pub(crate) const ACCEPT: &str = concat!(messaging_invitation!(), "/accept");
    pub(crate) const DECLINE: &str = concat!(messaging_invitation!(), "/decline");
    pub(crate) const MEETING_JOINS: &str = meeting_joins!();
    pub(crate) const MEETING_JOIN: &str = concat!(meeting_joins!(), "/{invitation}");
    pub(crate) const MEETING_ACCEPT: &str = concat!(meeting_joins!(), "/{invitation}/accept");
    pub(crate) const MEETING_DECLINE: &str = concat!(meeting_joins!(), "/{invitation}/decline");

    pub(crate) const CONVERSATION: &str = conversation!();
    pub(crate) const CONVERSATIONS: &str = concat!(communication!(), "/conversations");
    pub(crate) const PARTICIPANT_INVITATIONS: &str = participant_invitations!();
    pub(crate) const PARTICIPANT_INVITATION: &str =
        concat!(participant_invitations!(), "/{invitation}");
    pub(crate) const PARTICIPANT: &str = participant!();
    pub(crate) const PARTICIPANT_AUDIO: &str = concat!(participant!(), "/participantAudio");
    pub(crate) const MUTE_AUDIO: &str = concat!(participant!(), "/participantAudio/muteAudio");
    pub(crate) const UNMUTE_AUDIO: &str = concat!(participant!(), "/participantAudio/unmuteAudio");
    pub(crate) const AUDIO_VIDEO: &str = audio_video!();
    pub(crate) const ESCALATE_AUDIO_VIDEO: &str = concat!(audio_video!(), "/escalateAudioVideo");
    pub(crate) const REPLACE_WITH_PHONE_AUDIO: &str =
        concat!(audio_video!(), "/replaceWithPhoneAudio");
    pub(crate) const STOP_AUDIO_VIDEO: &str = concat!(audio_video!(), "/stopAudioVideo");
    pub(crate) const STOP_VIDEO: &str = concat!(audio_video!(), "/stopVideo");
    pub(crate) const AV_SESSION: &str = concat!(audio_video!(), "/audioVideoSession");
    pub(crate) const RENEGOTIATIONS: &str =
        concat!(audio_video!(), "/audioVideoSession/renegotiations");
    pub(crate) const RENEGOTIATION: &str = concat!(
        audio_video!(),
        "/audioVideoSession/renegotiations/{renegotiation}"
    );
    pub(crate) const RENEGOTIATION_ANSWER: &str = concat!(
        audio_video!(),
        "/audioVideoSession/renegotiations/{renegotiation}/answer"
    );
    pub(crate) const RESUME_AUDIO_VIDEO: &str =
        concat!(audio_video!(), "/audioVideoSession/resumeAudioVideo");
    pub(crate) const MESSAGING: &str = messaging!();
    pub(crate) const SEND_MESSAGE: &str = concat!(messaging!(), "/messages");
    pub(crate) const SET_IS_TYPING: &str = concat!(messaging!(), "/typing");
    pub(crate) const STOP_MESSAGING: &str = concat!(messaging!(), "/terminate");
    pub(crate) const JOINED_MEETING: &str = concat!(conversation!(), "/onlineMeeting");
    pub(crate) const START_ONLINE_MEETING: &str = concat!(communication!(), "/startOnlineMeeting");
    pub(crate) const ADD_MESSAGING: &str = concat!(messaging!(), "/addMessaging");
    pub(crate) const LOBBY: &str = concat!(conversation!(), "/lobby");
    pub(crate) const ATTENDEES: &str = concat!(conversation!(), "/attendees");
    pub(crate) const LEADERS: &str = concat!(conversation!(), "/leaders");
    /// A leader's switches of what attendees may do: messaging (under the conversation's
    /// messaging, as the reference's samples place them) and the mute lock.
    pub(crate) const ENABLE_AUDIENCE_MESSAGING: &str =
        concat!(messaging!(), "/enableAudienceMessaging");
    pub(crate) const DISABLE_AUDIENCE_MESSAGING: &str =
        concat!(messaging!(), "/disableAudienceMessaging");
    pub(crate) const ENABLE_AUDIENCE_MUTE_LOCK: &str =
        concat!(conversation!(), "/enableAudienceMuteLock");
    pub(crate) const DISABLE_AUDIENCE_MUTE_LOCK: &str =
        concat!(conversation!(), "/disableAudienceMuteLock");
    /// A leader's operations on a participant: admit, reject, eject, promote, demote.
    pub(crate) const PARTICIPANT_ACTION: &str = concat!(participant!(), "/{action}");

    pub(crate) const CONVERSATION_LOGS: &str = conversation_logs!();
    pub(crate) const CONVERSATION_LOG: &str = conversation_log!();
    pub(crate) const LOG_TRANSCRIPTS: &str =
        concat!(conversation_log!(), "/conversationLogTranscripts");
    pub(crate) const NEXT_LOG_TRANSCRIPTS: &str = concat!(
        conversation_log!(),
        "/nextConversationLogTranscripts/{from}"
    );
    pub(crate) const LOG_TRANSCRIPT: &str = concat!(conversation_log!(), "/transcripts/{number}");
    pub(crate) const LOG_OPERATION: &str = concat!(conversation_log!(), "/{operation}");
    pub(crate) const MISSED_ITEMS: &str = concat!(communication!(), "/missedItems");

    pub(crate) const FORWARDING: &str = forwarding!();
    pub(crate) const FORWARDING_PART: &str = concat!(forwarding!(), "/{part}");
    pub(crate) const FORWARDING_OPERATION: &str = concat!(forwarding!(), "/{part}/{operation}");
    pub(crate) const START_PHONE_AUDIO: &str = concat!(communication!(), "/startPhoneAudio");
    pub(crate) const START_AUDIO_VIDEO: &str = concat!(communication!(), "/startAudioVideo");
    pub(crate) const PHONE_INVITATION: &str = phone_invitation!();
    pub(crate) const PHONE_CALL: &str = phone_call!();
    pub(crate) const PHONE_AUDIO: &str = phone_audio!();
    pub(crate) const ADD_PHONE_AUDIO: &str = concat!(phone_audio!(), "/addPhoneAudio");
    pub(crate) const HOLD_PHONE_AUDIO: &str = concat!(phone_audio!(), "/holdPhoneAudio");
    pub(crate) const RESUME_PHONE_AUDIO: &str = concat!(phone_audio!(), "/resumePhoneAudio");
    pub(crate) const STOP_PHONE_AUDIO: &str = concat!(phone_audio!(), "/stopPhoneAudio");
    pub(crate) const DECLINE_PHONE_INVITATION: &str = concat!(phone_invitation!(), "/decline");
    pub(crate) const AV_INVITATION: &str =
        concat!(communication!(), "/audioVideoInvitations/{invitation}");
    pub(crate) const AV_INVITATION_OPERATION: &str = concat!(
        communication!(),
        "/audioVideoInvitations/{invitation}/{operation}"
    );

    pub(crate) const ONLINE_MEETINGS: &str = online_meetings!();
    pub(crate) const MY_MEETINGS: &str = my_meetings!();
    pub(crate) const MY_MEETING: &str = my_meeting!();
    pub(crate) const MEETING_EXTENSIONS: &str = concat!(my_meeting!(), "/extensions");

    pub(crate) const PEOPLE: &str = people!();
    pub(crate) const CONTACTS: &str = concat!(people!(), "/contacts");
    pub(crate) const GROUPS: &str = concat!(people!(), "/groups");
    pub(crate) const GROUP: &str = concat!(people!(), "/groups/{group}");
    pub(crate) const SEARCH: &str = concat!(people!(), "/search");
    pub(crate) const SUBSCRIBED_CONTACTS: &str = concat!(people!(), "/subscribedContacts");
    pub(crate) const SUBSCRIPTIONS: &str = subscriptions!();
    pub(crate) const SUBSCRIPTION: &str = concat!(subscriptions!(), "/{subscription}");
    pub(crate) const MEMBERSHIPS: &str = memberships!();
    pub(crate) const MEMBERSHIP: &str = concat!(memberships!(), "/{subscription}/{address}");
    pub(crate) const CONTACT: &str = contact!();
    pub(crate) const CONTACT_PRESENCE: &str = concat!(contact!(), "/presence");
    pub(crate) const CONTACT_NOTE: &str = concat!(contact!(), "/note");
    pub(crate) const CONTACT_LOCATION: &str = concat!(contact!(), "/location");
    pub(crate) const CONTACT_PRIVACY: &str = concat!(contact!(), "/privacyRelationship");
    pub(crate) const RESET_CONTACT_PRIVACY: &str =
        concat!(contact!(), "/privacyRelationship/reset");
    pub(crate) const CONTACT_MODALITIES: &str = concat!(contact!(), "/supportedModalities");
    pub(crate) const PRIVACY_RELATIONSHIPS: &str = concat!(people!(), "/privacyRelationships");
    pub(crate) const GROUP_MEMBERSHIPS: &str = group_memberships!();
    pub(crate) const GROUP_MEMBERSHIP: &str = concat!(group_memberships!(), "/{group}/{address}");
    pub(crate) const REMOVE_FROM_ALL_GROUPS: &str =
        concat!(group_memberships!(), "/removeContactFromAllGroups");
    pub(crate) const LIST_SUBSCRIPTION: &str = list_subscription!();
    pub(crate) const START_LIST_SUBSCRIPTION: &str =
        concat!(list_subscription!(), "/startOrRefresh");
    pub(crate) const STOP_LIST_SUBSCRIPTION: &str = concat!(list_subscription!(), "/stop");
    pub(crate) const DISTRIBUTION_GROUP: &str = distribution_group!();
    pub(crate) const EXPAND_DISTRIBUTION_GROUP: &str = concat!(distribution_group!(), "/expand");
    pub(crate) const ADD_TO_CONTACT_LIST: &str = concat!(people!(), "/groups/addToContactList");
    pub(crate) const REMOVE_FROM_CONTACT_LIST: &str =
        concat!(people!(), "/groups/removeFromContactList");
}

/// The application `app`.
pub(crate) fn app(app: u64) -> String {
    format!(app!(), app = app)
}

/// A resource or operation right under application `app` (`events`, `policies`, `batch`).
pub(crate) fn in_app(app: u64, rel: &str) -> String {
    format!(concat!(app!(), "/{rel}"), app = app, rel = rel)
}

/// A user's photo, as seen from application `app`.
pub(crate) fn photo(app: u64, address: &str) -> String {
    format!(
        concat!(app!(), "/photos/{address}"),
        app = app,
        address = address
    )
}

/// The user's `me`.
pub(crate) fn me(app: u64) -> String {
    format!(me!(), app = app)
}

/// What `me` links to: `presence`, `note`, `location`, `makeMeAvailable`, `reportMyActivity`.
pub(crate) fn in_me(app: u64, rel: &str) -> String {
    format!(concat!(me!(), "/{rel}"), app = app, rel = rel)
}

/// The user's `phones`.
pub(crate) fn phones(app: u64) -> String {
    format!(concat!(me!(), "/phones"), app = app)
}

/// The user's phone `phone` (its type in lower case).
pub(crate) fn phone(app: u64, phone: &str) -> String {
    format!(concat!(me!(), "/phones/{phone}"), app = app, phone = phone)
}

/// What a phone links to: `changeNumber`, `changeVisibility`.
pub(crate) fn in_phone(app: u64, phone: &str, rel: &str) -> String {
    format!(
        concat!(me!(), "/phones/{phone}/{rel}"),
        app = app,
        phone = phone,
        rel = rel
    )
}

/// The application's `communication`.
pub(crate) fn communication(app: u64) -> String {
    format!(communication!(), app = app)
}

/// What `communication` links to: `startMessaging`, `conversations`.
pub(crate) fn in_communication(app: u64, rel: &str) -> String {
    format!(concat!(communication!(), "/{rel}"), app = app, rel = rel)
}

/// An audioVideoInvitation of the scripted call.
pub(crate) fn call_invitation(app: u64, invitation: u64) -> String {
    format!(call_invitation!(), app = app, invitation = invitation)
}

/// What an audioVideoInvitation links to: `cancel`.
pub(crate) fn in_call_invitation(app: u64, invitation: u64, rel: &str) -> String {
    format!(
        concat!(call_invitation!(), "/{rel}"),
        app = app,
        invitation = invitation,
        rel = rel
    )
}

/// A messagingInvitation.
pub(crate) fn messaging_invitation(app: u64, invitation: u64) -> String {
    format!(messaging_invitation!(), app = app, invitation = invitation)
}

/// What a messagingInvitation links to: `accept`, `decline`.
pub(crate) fn in_messaging_invitation(app: u64, invitation: u64, rel: &str) -> String {
    format!(
        concat!(messaging_invitation!(), "/{rel}"),
        app = app,
        invitation = invitation,
        rel = rel
    )
}

/// Where addParticipant invites into conversation `conversation` (its id in the query, as
/// the walkthroughs show).
pub(crate) fn participant_invitations_of(app: u64, conversation: u64) -> String {
    format!(
        concat!(participant_invitations!(), "?conversation={conversation}"),
        app = app,
        conversation = conversation
    )
}

/// A participantInvitation (addParticipant's).
pub(crate) fn participant_invitation(app: u64, invitation: u64) -> String {
    format!(
        concat!(participant_invitations!(), "/{invitation}"),
        app = app,
        invitation = invitation
    )
}

/// Where meetings are joined (`joinOnlineMeeting`).
pub(crate) fn meeting_joins(app: u64) -> String {
    format!(meeting_joins!(), app = app)
}

/// One join's onlineMeetingInvitation.
pub(crate) fn meeting_join(app: u64, number: u64) -> String {
    format!(
        concat!(meeting_joins!(), "/{number}"),
        app = app,
        number = number
    )
}

/// What an incoming onlineMeetingInvitation links to: `accept`, `decline`.
pub(crate) fn in_meeting_join(app: u64, number: u64, rel: &str) -> String {
    format!(
        concat!(meeting_joins!(), "/{number}/{rel}"),
        app = app,
        number = number,
        rel = rel
    )
}

/// An operation `rel` on participant `participant` of a conference (`admit`, `eject`, …).
pub(crate) fn in_participant(app: u64, conversation: u64, participant: &str, rel: &str) -> String {
    format!(
        concat!(participant!(), "/{rel}"),
        app = app,
        conversation = conversation,
        participant = participant,
        rel = rel
    )
}

/// Conversation `conversation` (the call's, or a messaging one: two-party, group or meeting).
pub(crate) fn conversation(app: u64, conversation: u64) -> String {
    format!(conversation!(), app = app, conversation = conversation)
}

/// What a conversation links to: `participants`, `onlineMeeting`.
pub(crate) fn in_conversation(app: u64, conversation: u64, rel: &str) -> String {
    format!(
        concat!(conversation!(), "/{rel}"),
        app = app,
        conversation = conversation,
        rel = rel
    )
}

/// A participant of a conversation: the call's by number, a messaging one's by address.
pub(crate) fn participant(app: u64, conversation: u64, participant: &str) -> String {
    format!(
        participant!(),
        app = app,
        conversation = conversation,
        participant = participant
    )
}

/// The scripted call's audioVideo.
pub(crate) fn audio_video(app: u64, conversation: u64) -> String {
    format!(audio_video!(), app = app, conversation = conversation)
}

/// What audioVideo links to: `escalateAudioVideo`, `stopAudioVideo`.
pub(crate) fn in_audio_video(app: u64, conversation: u64, rel: &str) -> String {
    format!(
        concat!(audio_video!(), "/{rel}"),
        app = app,
        conversation = conversation,
        rel = rel
    )
}

/// A conversation's messaging.
pub(crate) fn messaging(app: u64, conversation: u64) -> String {
    format!(messaging!(), app = app, conversation = conversation)
}

/// What messaging links to: `messages` (sendMessage), `typing`, `terminate`,
/// `typingParticipants`.
pub(crate) fn in_messaging(app: u64, conversation: u64, rel: &str) -> String {
    format!(
        concat!(messaging!(), "/{rel}"),
        app = app,
        conversation = conversation,
        rel = rel
    )
}

/// Message `number` of a conversation.
pub(crate) fn message(app: u64, conversation: u64, number: u64) -> String {
    format!(
        concat!(messaging!(), "/messages/{number}"),
        app = app,
        conversation = conversation,
        number = number
    )
}

/// The online meetings dashboard.
pub(crate) fn online_meetings(app: u64) -> String {
    format!(online_meetings!(), app = app)
}

/// The user's scheduled meetings.
pub(crate) fn my_meetings(app: u64) -> String {
    format!(my_meetings!(), app = app)
}

/// One scheduled meeting.
pub(crate) fn my_meeting(app: u64, meeting: &str) -> String {
    format!(my_meeting!(), app = app, meeting = meeting)
}

/// A scheduled meeting's extensions.
pub(crate) fn meeting_extensions(app: u64, meeting: &str) -> String {
    format!(
        concat!(my_meeting!(), "/extensions"),
        app = app,
        meeting = meeting
    )
}

/// The `people` hub.
pub(crate) fn people(app: u64) -> String {
    format!(people!(), app = app)
}

/// What `people` links to: `contacts`, `groups`, `search`, `subscribedContacts`,
/// `presenceSubscriptions`, and with a query, `contacts?groupId=…`.
pub(crate) fn in_people(app: u64, rel: &str) -> String {
    format!(concat!(people!(), "/{rel}"), app = app, rel = rel)
}

/// A group of contacts.
pub(crate) fn group(app: u64, group: &str) -> String {
    format!(
        concat!(people!(), "/groups/{group}"),
        app = app,
        group = group
    )
}

/// A group's contacts (`groupContacts`): the contact list with the group in the query.
pub(crate) fn group_contacts(app: u64, group: &str) -> String {
    format!(
        concat!(people!(), "/contacts?groupId={group}"),
        app = app,
        group = group
    )
}

/// Where a group's presence is subscribed to (`subscribeToGroupPresence`).
pub(crate) fn group_subscriptions(app: u64, group: &str) -> String {
    format!(
        concat!(subscriptions!(), "?groupId={group}"),
        app = app,
        group = group
    )
}

/// A search's results, with its query string (already encoded).
pub(crate) fn search(app: u64, query: &str) -> String {
    format!(
        concat!(people!(), "/search?{query}"),
        app = app,
        query = query
    )
}

/// `user` as a contact (in lower case).
pub(crate) fn contact(app: u64, user: &User) -> String {
    format!(
        contact!(),
        app = app,
        address = user.address.to_ascii_lowercase()
    )
}

/// What a contact links to: `presence`, `note`, `location`.
pub(crate) fn in_contact(app: u64, user: &User, rel: &str) -> String {
    format!(
        concat!(contact!(), "/{rel}"),
        app = app,
        address = user.address.to_ascii_lowercase(),
        rel = rel
    )
}

/// The user's group memberships (`myGroupMemberships`).
pub(crate) fn group_memberships(app: u64) -> String {
    format!(group_memberships!(), app = app)
}

/// Where a contact is taken out of every group (`removeContactFromAllGroups`).
pub(crate) fn remove_from_all_groups(app: u64) -> String {
    format!(
        concat!(group_memberships!(), "/removeContactFromAllGroups"),
        app = app
    )
}

/// The membership of `user` (in lower case) in group `group`.
pub(crate) fn group_membership(app: u64, group: &str, user: &User) -> String {
    format!(
        concat!(group_memberships!(), "/{group}/{address}"),
        app = app,
        group = group,
        address = user.address.to_lowercase()
    )
}

/// The subscription to the contact list's changes, and (`Some(rel)`) its operations:
/// `startOrRefresh`, `stop`.
pub(crate) fn list_subscription(app: u64, rel: Option<&str>) -> String {
    match rel {
        None => format!(list_subscription!(), app = app),
        Some(rel) => format!(
            concat!(list_subscription!(), "/{rel}"),
            app = app,
            rel = rel
        ),
    }
}

/// A distribution group of the directory, by its address (in lower case), and (`Some(rel)`)
/// what it links to: `expand`.
pub(crate) fn distribution_group(app: u64, group: &str, rel: Option<&str>) -> String {
    let group = group.to_lowercase();
    match rel {
        None => format!(distribution_group!(), app = app, group = group),
        Some(rel) => format!(
            concat!(distribution_group!(), "/{rel}"),
            app = app,
            group = group,
            rel = rel
        ),
    }
}

/// A presence subscription.
pub(crate) fn subscription(app: u64, id: &str) -> String {
    format!(concat!(subscriptions!(), "/{id}"), app = app, id = id)
}

/// A subscription's memberships (its id in the query).
pub(crate) fn memberships(app: u64, id: &str) -> String {
    format!(
        concat!(memberships!(), "?presenceSubscriptionId={id}"),
        app = app,
        id = id
    )
}

/// One member of a subscription (in lower case).
pub(crate) fn membership(app: u64, id: &str, user: &User) -> String {
    format!(
        concat!(memberships!(), "/{id}/{address}"),
        app = app,
        id = id,
        address = user.address.to_ascii_lowercase()
    )
}

/// The application a path is under (`/ucwa/oauth/v1/applications/{id}/..`).
pub(crate) fn application_id(path: &str) -> Option<u64> {
    let rest = path.strip_prefix(APPLICATIONS_PATH)?.strip_prefix('/')?;
    rest.split('/').next()?.parse().ok()
}

/// The user's conversation logs, as seen from application `app`.
pub(crate) fn conversation_logs(app: u64) -> String {
    format!(conversation_logs!(), app = app)
}

/// Conversation log `log`.
pub(crate) fn conversation_log(app: u64, log: u64) -> String {
    format!(conversation_log!(), app = app, log = log)
}

/// The first page of the transcripts of log `log`.
pub(crate) fn log_transcripts(app: u64, log: u64) -> String {
    format!(
        concat!(conversation_log!(), "/conversationLogTranscripts"),
        app = app,
        log = log
    )
}

/// The page of the transcripts of log `log` that starts at transcript `from`.
pub(crate) fn next_log_transcripts(app: u64, log: u64, from: usize) -> String {
    format!(
        concat!(
            conversation_log!(),
            "/nextConversationLogTranscripts/{from}"
        ),
        app = app,
        log = log,
        from = from
    )
}

/// Transcript `number` of log `log`.
pub(crate) fn log_transcript(app: u64, log: u64, number: usize) -> String {
    format!(
        concat!(conversation_log!(), "/transcripts/{number}"),
        app = app,
        log = log,
        number = number
    )
}

/// An operation on log `log` (`continueMessaging`, `markAsRead`).
pub(crate) fn log_operation(app: u64, log: u64, operation: &str) -> String {
    format!(
        concat!(conversation_log!(), "/{operation}"),
        app = app,
        log = log,
        operation = operation
    )
}

/// The user's missed items (counts), as seen from application `app`.
pub(crate) fn missed_items(app: u64) -> String {
    format!(concat!(communication!(), "/missedItems"), app = app)
}

/// The user's call forwarding settings, as seen from application `app`.
pub(crate) fn forwarding(app: u64) -> String {
    format!(forwarding!(), app = app)
}

/// A part of the forwarding settings (`immediateForwardSettings`, ...), or an operation right
/// under them (`turnOffCallForwarding`).
pub(crate) fn in_forwarding(app: u64, part: &str) -> String {
    format!(concat!(forwarding!(), "/{part}"), app = app, part = part)
}

/// An operation of a part of the forwarding settings.
pub(crate) fn forwarding_operation(app: u64, part: &str, operation: &str) -> String {
    format!(
        concat!(forwarding!(), "/{part}/{operation}"),
        app = app,
        part = part,
        operation = operation
    )
}

/// The conversation of phone-audio call `call`.
pub(crate) fn phone_call(app: u64, call: u64) -> String {
    format!(phone_call!(), app = app, call = call)
}

/// The phoneAudio of call `call`.
pub(crate) fn phone_audio(app: u64, call: u64) -> String {
    format!(phone_audio!(), app = app, call = call)
}

/// What phoneAudio links to: `holdPhoneAudio`, `resumePhoneAudio`, `stopPhoneAudio`,
/// `addPhoneAudio`.
pub(crate) fn in_phone_audio(app: u64, call: u64, rel: &str) -> String {
    format!(
        concat!(phone_audio!(), "/{rel}"),
        app = app,
        call = call,
        rel = rel
    )
}

/// The phoneAudioInvitation that placed call `call`.
pub(crate) fn phone_invitation(app: u64, call: u64) -> String {
    format!(phone_invitation!(), app = app, call = call)
}

/// Incoming audioVideoInvitation `invitation`.
pub(crate) fn av_invitation(app: u64, invitation: u64) -> String {
    format!(
        concat!(communication!(), "/audioVideoInvitations/{invitation}"),
        app = app,
        invitation = invitation
    )
}

/// What an incoming audioVideoInvitation links to: `acceptWithAnswer`, `acceptWithPhoneAudio`,
/// `decline`.
pub(crate) fn in_av_invitation(app: u64, invitation: u64, rel: &str) -> String {
    format!("{}/{rel}", av_invitation(app, invitation))
}

/// What an incoming phoneAudioInvitation links to: `decline`.
pub(crate) fn in_phone_invitation(app: u64, call: u64, rel: &str) -> String {
    format!(
        concat!(phone_invitation!(), "/{rel}"),
        app = app,
        call = call,
        rel = rel
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_fill_their_route_templates() {
        assert_eq!(app(7), route::APP.replace("{app}", "7"));
        assert_eq!(
            conversation(7, 3),
            route::CONVERSATION
                .replace("{app}", "7")
                .replace("{conversation}", "3")
        );
        assert_eq!(
            in_messaging(7, 3, "messages"),
            route::SEND_MESSAGE
                .replace("{app}", "7")
                .replace("{conversation}", "3")
        );
        assert_eq!(
            in_participant(7, 3, "ann@contoso.com", "admit"),
            route::PARTICIPANT_ACTION
                .replace("{app}", "7")
                .replace("{conversation}", "3")
                .replace("{participant}", "ann@contoso.com")
                .replace("{action}", "admit")
        );
        assert_eq!(
            next_log_transcripts(7, 3, 20),
            route::NEXT_LOG_TRANSCRIPTS
                .replace("{app}", "7")
                .replace("{log}", "3")
                .replace("{from}", "20")
        );
        assert_eq!(
            log_transcripts(7, 3),
            route::LOG_TRANSCRIPTS
                .replace("{app}", "7")
                .replace("{log}", "3")
        );
        assert_eq!(
            log_transcript(7, 3, 4),
            route::LOG_TRANSCRIPT
                .replace("{app}", "7")
                .replace("{log}", "3")
                .replace("{number}", "4")
        );
        assert_eq!(
            log_operation(7, 3, "markAsRead"),
            route::LOG_OPERATION
                .replace("{app}", "7")
                .replace("{log}", "3")
                .replace("{operation}", "markAsRead")
        );
        assert_eq!(missed_items(7), route::MISSED_ITEMS.replace("{app}", "7"));
        assert_eq!(
            conversation_logs(7),
            route::CONVERSATION_LOGS.replace("{app}", "7")
        );
        assert_eq!(
            in_messaging(7, 3, "disableAudienceMessaging"),
            route::DISABLE_AUDIENCE_MESSAGING
                .replace("{app}", "7")
                .replace("{conversation}", "3")
        );
        assert_eq!(
            in_conversation(7, 3, "enableAudienceMuteLock"),
            route::ENABLE_AUDIENCE_MUTE_LOCK
                .replace("{app}", "7")
                .replace("{conversation}", "3")
        );
        assert_eq!(application_id(&in_app(42, "events")), Some(42));
        assert_eq!(application_id("/ucwa/oauth/v1/applications"), None);
    }
}
