//! The command line: global flags, subcommands and their help (the exit codes are in
//! [`crate::failure::Kind`] and shown at the end of `--help`).

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The exit codes, as `--help` lists them (one place: [`crate::failure::Kind::code`]).
const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  the server refused the request, or another failure
  2  the command line is wrong
  3  sign-in refused or needed (wrong password, expired token: run `ucwa login`)
  4  not found (no such person, resource or link)
  5  network failure (the server cannot be reached, or did not answer in time)
  6  not delivered (nobody accepted the message in time)
  7  the call did not connect (busy, declined, not answered)

Environment: NO_COLOR turns colour off; UCWA_CACHE_DIR replaces the cache directory.";

/// `ucwa`: Skype for Business Server (UCWA 2.0) from the shell.
#[derive(Debug, Parser)]
#[command(
    name = "ucwa",
    version,
    about = "Skype for Business Server (UCWA 2.0) from the shell: sign in once, then presence, \
             IM, contacts, meetings, calls and forwarding",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    /// The options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Print JSON for scripts (stable field names; one value, or one per line for streams).
    #[arg(long, global = true)]
    pub json: bool,
    /// The wire format spoken to the server.
    #[arg(long, global = true, value_enum, default_value_t = WireFormat::Json)]
    pub format: WireFormat,
    /// Show the client's steps on stderr (discovery, tokens obtained, the application's
    /// lifecycle), tokens redacted.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Run against an embedded emulator started in this process (users lene@, ann@ and
    /// john@contoso.com, password `pass@word1`), with no server and no sign-in needed.
    #[arg(long, global = true)]
    pub emulator: bool,
    /// The sign-in address (user@domain); by default the one `ucwa login` signed in.
    #[arg(long, global = true, value_name = "USER@DOMAIN")]
    pub address: Option<String>,
    /// Start discovery at this URL instead of the `lyncdiscover` names of the domain.
    #[arg(long, global = true, value_name = "URL", visible_alias = "server")]
    pub discovery_url: Option<url::Url>,
    /// Allow plain HTTP (the library allows it for any host when asked; use it only for test
    /// servers on loopback or a network you trust).
    #[arg(long, global = true)]
    pub insecure_http: bool,
}

/// The wire format spoken to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WireFormat {
    /// `application/vnd.microsoft.com.ucwa+json`.
    Json,
    /// `application/vnd.microsoft.com.ucwa+xml`.
    Xml,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in and keep the token and the discovered URLs in the cache (never the password).
    ///
    /// Example: `printf %s "$PASSWORD" | ucwa login lene@contoso.com --password-stdin`
    Login(LoginArgs),
    /// Forget what `ucwa login` kept.
    Logout,
    /// Show who is signed in.
    Whoami,
    /// Show, set or reset the availability.
    ///
    /// Example: `ucwa presence set busy`
    Presence {
        /// What to do.
        #[command(subcommand)]
        action: PresenceAction,
    },
    /// Show, set or clear the personal note.
    ///
    /// Example: `ucwa note set "Out for lunch"`
    Note {
        /// What to do.
        #[command(subcommand)]
        action: TextAction,
    },
    /// Show or set the location.
    ///
    /// Example: `ucwa location set "Building 7"`
    Location {
        /// What to do.
        #[command(subcommand)]
        action: TextAction,
    },
    /// List, search, add, remove, move and copy contacts.
    ///
    /// Example: `ucwa contacts add ann@contoso.com --group Team`
    Contacts {
        /// What to do.
        #[command(subcommand)]
        action: ContactsAction,
    },
    /// List, create, rename and delete contact groups; expand a distribution group.
    ///
    /// With no subcommand, lists the groups.
    ///
    /// Example: `ucwa groups create Team`
    #[command(args_conflicts_with_subcommands = true)]
    Groups {
        /// What to do (by default: list).
        #[command(subcommand)]
        action: Option<GroupsAction>,
    },
    /// Send and receive instant messages.
    ///
    /// Example: `ucwa im send ann@contoso.com "Lunch?"`
    Im {
        /// What to do.
        #[command(subcommand)]
        action: ImAction,
    },
    /// List, create, update and delete online meetings.
    ///
    /// Example: `ucwa meetings create --subject "Review" --attendee ann@contoso.com`
    Meetings {
        /// What to do.
        #[command(subcommand)]
        action: MeetingsAction,
    },
    /// Place a call via work, waiting until it connects, then until it ends.
    ///
    /// The server rings your phone first, then the number or person called, and joins you.
    /// Progress goes to stderr while it rings; Ctrl-C hangs up.
    ///
    /// Example: `ucwa call +14255550123 --ring-first +14255550100`
    Call(CallArgs),
    /// Show or change where your calls go.
    ///
    /// Calls can be forwarded at once, ring others at the same time as you, and go somewhere
    /// when nobody answers.
    ///
    /// Example: `ucwa forwarding immediate voicemail`
    Forwarding {
        /// What to do.
        #[command(subcommand)]
        action: ForwardingAction,
    },
    /// Print the event channel as it arrives, until Ctrl-C.
    ///
    /// Example: `ucwa watch --json | jq .rel`
    Watch(WatchArgs),
    /// Fetch any resource by its path under the application (or its href), decoded as its
    /// type and printed as JSON.
    ///
    /// Example: `ucwa get me/presence`
    Get {
        /// The path under the application (`me`, `me/presence`, `people/myContacts`) or an href.
        path: String,
        /// The rel to decode it as (by default the path's last segment).
        #[arg(long = "as", value_name = "REL")]
        rel: Option<String>,
    },
    /// Report what the server sends that does not fit the schema, for a bug report.
    ///
    /// Everything the signed-in user can read is fetched in JSON and in XML and decoded: the
    /// report lists members the schema does not know, answers that do not decode, and
    /// differences between the two formats.
    ///
    /// The report keeps hrefs (addresses and numbers in them blanked) and member names, never
    /// values, names, messages or tokens: attach it to a bug report. The walk follows the links
    /// of every resource read, each href once, within `--max-requests` and `--time-limit`.
    ///
    /// Example: `ucwa audit --json > audit.json`
    Audit(AuditArgs),
    /// Serve the embedded emulator on loopback until Ctrl-C, printing how to point `ucwa` at it.
    ///
    /// Example: `ucwa emulator --listen 127.0.0.1:8080`
    Emulator(EmulatorArgs),
    /// Print the completion script of a shell.
    ///
    /// Example: `ucwa completions bash > ~/.local/share/bash-completion/completions/ucwa`
    Completions {
        /// The shell.
        shell: Shell,
    },
}

/// `ucwa login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The sign-in address (user@domain).
    pub address: String,
    /// Read the password from standard input (its first line) instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
}

/// `ucwa presence …`.
#[derive(Debug, Subcommand)]
pub enum PresenceAction {
    /// Show the availability and activity.
    Show,
    /// Set the availability.
    Set {
        /// The availability to publish.
        availability: Availability,
    },
    /// Let the server compute the availability again (from calendar and activity).
    Reset,
}

/// The availabilities a user may publish.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Availability {
    /// Online.
    Online,
    /// Busy.
    Busy,
    /// Do not disturb.
    DoNotDisturb,
    /// Be right back.
    BeRightBack,
    /// Away.
    Away,
    /// Off work.
    OffWork,
}

/// `ucwa note …` and `ucwa location …`.
#[derive(Debug, Subcommand)]
pub enum TextAction {
    /// Show it.
    Show,
    /// Set it.
    Set {
        /// The text.
        text: String,
    },
    /// Clear it.
    Clear,
}

/// `ucwa contacts …`.
#[derive(Debug, Subcommand)]
pub enum ContactsAction {
    /// List the contacts.
    List,
    /// Search the directory by name or address.
    Search {
        /// What to look for.
        query: String,
        /// The most people to list (1 to 100).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
        limit: Option<u32>,
    },
    /// Add someone to the contact list: to a group, or to the default one ("Other Contacts").
    ///
    /// Example: `ucwa contacts add ann@contoso.com --group Team`
    Add {
        /// Who (user@domain or sip:user@domain).
        #[arg(value_name = "ADDRESS")]
        contact: String,
        /// The group (its name, as `ucwa groups` lists it).
        #[arg(long, value_name = "NAME")]
        group: Option<String>,
    },
    /// Take someone out of a group, or off the contact list (out of every group).
    ///
    /// Example: `ucwa contacts remove ann@contoso.com --group Team`
    Remove {
        /// Who (user@domain or sip:user@domain).
        #[arg(value_name = "ADDRESS")]
        contact: String,
        /// Only out of this group (they stay on the list while in another).
        #[arg(long, value_name = "NAME")]
        group: Option<String>,
    },
    /// Move a contact from one group to another.
    ///
    /// Example: `ucwa contacts move ann@contoso.com --from "Other Contacts" --to Team`
    Move {
        /// Who (user@domain or sip:user@domain).
        #[arg(value_name = "ADDRESS")]
        contact: String,
        /// The group they leave.
        #[arg(long, value_name = "NAME")]
        from: String,
        /// The group they join.
        #[arg(long, value_name = "NAME")]
        to: String,
    },
    /// Copy a contact into another group, keeping them where they are.
    ///
    /// Example: `ucwa contacts copy ann@contoso.com --to Favorites`
    Copy {
        /// Who (user@domain or sip:user@domain).
        #[arg(value_name = "ADDRESS")]
        contact: String,
        /// The group they join too.
        #[arg(long, value_name = "NAME")]
        to: String,
    },
}

/// `ucwa groups …`.
#[derive(Debug, Subcommand)]
pub enum GroupsAction {
    /// List the groups (yours and those the server keeps) with how many contacts each holds.
    List,
    /// Make a group of your own.
    ///
    /// Example: `ucwa groups create Team`
    Create {
        /// Its name (unique among your groups, without case; 1 to 256 characters).
        name: String,
    },
    /// Rename a group of your own.
    ///
    /// Example: `ucwa groups rename Team "Core team"`
    Rename {
        /// Its name now.
        name: String,
        /// Its new name.
        new_name: String,
    },
    /// Delete a group of your own: its contacts in no other group leave the contact list.
    ///
    /// Example: `ucwa groups delete Team`
    Delete {
        /// Its name.
        name: String,
    },
    /// List the members of a distribution group (a mail group of the directory), found by
    /// its name or address; nested groups are listed, not expanded.
    ///
    /// Example: `ucwa groups expand sales@contoso.com --max 20`
    Expand {
        /// Its name or mail address.
        name: String,
        /// The most members to list (1 to 1000).
        #[arg(long, default_value_t = 100, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
        max: u32,
    },
}

/// `ucwa im …`.
#[derive(Debug, Subcommand)]
pub enum ImAction {
    /// Send a message to one or several people, waiting until each accepts.
    Send {
        /// Who to send to (user@domain or sip:user@domain); repeat the flag for several.
        #[arg(long = "to", required = true, value_name = "ADDRESS")]
        to: Vec<String>,
        /// The message.
        message: String,
        /// How long to wait for each to accept, in seconds.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
    },
    /// Print incoming messages as they arrive, until Ctrl-C (or `--count` messages).
    Listen {
        /// Answer each message with this text.
        #[arg(long, value_name = "TEXT")]
        reply: Option<String>,
        /// Stop after this many messages.
        #[arg(long)]
        count: Option<u64>,
    },
}

/// `ucwa meetings …`.
#[derive(Debug, Subcommand)]
pub enum MeetingsAction {
    /// List my meetings.
    List,
    /// Schedule a meeting.
    Create {
        /// Its subject.
        #[arg(long)]
        subject: String,
        /// Its description.
        #[arg(long)]
        description: Option<String>,
        /// Who is invited (repeat for several).
        #[arg(long = "attendee", value_name = "ADDRESS")]
        attendees: Vec<String>,
    },
    /// Change a meeting's subject or description.
    Update {
        /// The meeting's id (as `list` shows).
        id: String,
        /// The new subject.
        #[arg(long)]
        subject: Option<String>,
        /// The new description.
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete a meeting.
    Delete {
        /// The meeting's id (as `list` shows).
        id: String,
    },
    /// Print a meeting's join link.
    Link {
        /// The meeting's id (as `list` shows).
        id: String,
    },
}

/// `ucwa watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Stop after this many events.
    #[arg(long)]
    pub count: Option<u64>,
}

/// `ucwa call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// Who to call: a number (`+1 425 555 0123`, `tel:+14255550123`) or a person
    /// (`ann@contoso.com`, `sip:ann@contoso.com`).
    pub to: String,
    /// Your phone the server rings first (a number); by default the one your account has.
    #[arg(long, value_name = "NUMBER")]
    pub ring_first: Option<String>,
    /// The call's subject.
    #[arg(long)]
    pub subject: Option<String>,
    /// How long to wait for the call to connect, in seconds (1 to 600).
    #[arg(long, default_value_t = 90, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Hang up this many seconds after the call connects (by default: when the other end
    /// does, or on Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    pub hang_up_after: Option<u64>,
}

/// `ucwa forwarding …`.
#[derive(Debug, Subcommand)]
pub enum ForwardingAction {
    /// Show the forwarding settings.
    Show,
    /// Forward calls at once, to a number, a person, `voicemail` or `delegates`.
    Immediate {
        /// Where calls go.
        #[arg(value_name = "TO")]
        to: String,
    },
    /// Ring a number, a person, your `delegates` or your `team` at the same time as you.
    Simultaneous {
        /// Who rings too.
        #[arg(value_name = "TO")]
        to: String,
        /// For `delegates` and `team`: how many seconds after you they ring (0 to 55).
        #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(i64).range(0..=55))]
        delay: Option<i64>,
    },
    /// Send calls nobody answers to `voicemail`, a number or a person, or back to the
    /// server's `default`.
    Unanswered {
        /// Where unanswered calls go.
        #[arg(value_name = "TO")]
        to: String,
        /// After how many seconds of ringing (5 to 60).
        #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(i64).range(5..=60))]
        after: Option<i64>,
    },
    /// Turn forwarding off: calls ring you only.
    Off,
}

/// `ucwa audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The most GETs to send (two per resource: JSON and XML; 2 to 10000).
    #[arg(long, default_value_t = 200, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=10_000))]
    pub max_requests: u32,
    /// The longest the walk may take, in seconds (1 to 3600).
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub time_limit: u64,
}

/// `ucwa emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// The address to listen on (loopback).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
}

/// The shells completions are made for.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
}
