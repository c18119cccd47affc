//! Requests built from typed links and checked parameters; answers read into typed values and
//! typed errors; answers not from UCWA refused with what they were.

mod common;

use common::fixture;
use ucwa::http::{Method, Response, StatusCode, header};
use ucwa::operation::{GenericError, NotUcwa, Operation, UcwaError};
use ucwa::operations::{
    AudioVideoGetError, AudioVideoInvitationGet, AudioVideoInvitationGetError,
    EscalateAudioVideoPost, EscalateAudioVideoPostError, EscalateAudioVideoPostQuery,
    ParticipantGetError,
};
use ucwa::resources::AudioVideo;
use ucwa::{Format, Origin, RequestError, ResponseError};

const SDP: &[u8] = b"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6020 RTP/AVP 0 101\r\nm=video 6022 RTP/AVP 96\r\n";

fn origin() -> Origin {
    Origin::parse("https://fe1.contoso.com:443").unwrap()
}

fn audio_video() -> AudioVideo {
    ucwa::json::from_slice(&fixture("audioVideo.response.json")).unwrap()
}

fn query(operation_id: &str) -> EscalateAudioVideoPostQuery {
    EscalateAudioVideoPostQuery {
        operation_id: operation_id.to_owned(),
        session_context: "8efd502350ff419cb615018ae561f97e".to_owned(),
    }
}

fn answer(status: u16, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Response<Vec<u8>> {
    let mut builder = Response::builder().status(status);
    if let Some(content_type) = content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    builder.body(body.into()).unwrap()
}

#[test]
fn escalate_request_from_the_audio_video_link() {
    let link = audio_video()
        .links
        .escalate_audio_video
        .expect("the escalateAudioVideo link");
    let request = EscalateAudioVideoPost::request(
        &origin(),
        &link,
        &query("74cb7404 e0a2&47d5"),
        SDP.to_vec(),
        Format::Xml,
    )
    .unwrap();
    assert_eq!(request.method(), Method::POST);
    assert_eq!(
        request.uri().to_string(),
        "https://fe1.contoso.com/ucwa/v1/applications/192/communication/conversations/137/audioVideo/escalateAudioVideo?operationId=74cb7404+e0a2%2647d5&sessionContext=8efd502350ff419cb615018ae561f97e"
    );
    assert_eq!(request.headers()[header::CONTENT_TYPE], "application/sdp");
    assert_eq!(request.headers()[header::ACCEPT], "application/xml");
    assert_eq!(request.body(), SDP);
}

#[test]
fn parameters_are_checked_before_anything_is_built() {
    let link = audio_video().links.escalate_audio_video.unwrap();
    let too_long = "x".repeat(51);
    let err = EscalateAudioVideoPost::request(
        &origin(),
        &link,
        &query(&too_long),
        SDP.to_vec(),
        Format::Json,
    )
    .unwrap_err();
    assert_eq!(
        err,
        RequestError::ParameterTooLong {
            name: "operationId",
            max: 50,
            found: 51
        }
    );
    assert_eq!(
        err.to_string(),
        "the query parameter `operationId` is 51 characters long; the limit is 50"
    );
    // 50 characters, multi-byte ones included, are fine.
    let fifty = "é".repeat(50);
    assert!(
        EscalateAudioVideoPost::request(
            &origin(),
            &link,
            &query(&fifty),
            SDP.to_vec(),
            Format::Json
        )
        .is_ok()
    );

    let err =
        EscalateAudioVideoPost::request(&origin(), &link, &query(""), SDP.to_vec(), Format::Json)
            .unwrap_err();
    assert_eq!(
        err,
        RequestError::MissingParameter {
            name: "operationId"
        }
    );
}

#[test]
fn links_to_another_origin_are_refused() {
    let mut link = audio_video().links.escalate_audio_video.unwrap();
    for href in [
        "https://evil.example.com/ucwa/v1/x",
        "http://fe1.contoso.com/ucwa/v1/x",
        "https://fe1.contoso.com:8443/ucwa/v1/x",
        "//evil.example.com/x",
        "data:application/sdp;base64,AAAA",
    ] {
        link.href = href.into();
        let err = EscalateAudioVideoPost::request(
            &origin(),
            &link,
            &query("1"),
            SDP.to_vec(),
            Format::Json,
        )
        .unwrap_err();
        assert!(
            matches!(err, RequestError::CrossOrigin { .. }),
            "{href}: {err}"
        );
    }
    link.href = "https://fe1.contoso.com/ucwa/v1/x".into();
    assert!(
        EscalateAudioVideoPost::request(&origin(), &link, &query("1"), SDP.to_vec(), Format::Json)
            .is_ok()
    );
}

#[test]
fn a_201_gives_the_invitation_in_either_format() {
    for (content_type, name) in [
        ("application/json", "escalateAudioVideo.response.json"),
        (
            "application/vnd.microsoft.com.ucwa+xml; charset=utf-8",
            "escalateAudioVideo.response.xml",
        ),
    ] {
        let invitation =
            EscalateAudioVideoPost::response(&answer(201, Some(content_type), fixture(name)))
                .unwrap();
        assert_eq!(
            invitation.operation_id.as_deref(),
            Some("74cb7404e0a247d5a2d4eb0376a47dbf"),
            "{content_type}"
        );
        assert!(invitation.links.media_offer.is_some());
    }
}

#[test]
fn every_error_row_of_escalate_audio_video_is_its_variant() {
    let cases = common::ESCALATE_ERROR_ROWS;
    for (status, code, subcode, is_variant) in cases {
        for format in [Format::Json, Format::Xml] {
            let body = ucwa::ErrorBody {
                code: code.into(),
                subcode: subcode.map(Into::into),
                message: Some("m".into()),
                ..Default::default()
            };
            let response = answer(
                status,
                Some(format.media_type()),
                ucwa::codec::encode(format, &body).unwrap(),
            );
            match EscalateAudioVideoPost::response(&response) {
                Err(ResponseError::Ucwa(error)) => {
                    assert!(
                        is_variant(&error),
                        "{status} {subcode:?} in {format}: {error:?}"
                    );
                    assert_eq!(error.status(), status);
                    assert_eq!(error.body(), &body);
                }
                other => panic!("{status} {subcode:?}: {other:?}"),
            }
        }
    }
}

/// Every row of every operation's table, read from the schema itself, decodes to a variant of
/// its own (not to `Common`), keeping status and body.
#[test]
fn every_error_row_of_the_schema_is_typed() {
    let schema = ucwa_codegen::Builder::new()
        .schema_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema"))
        .check()
        .unwrap();
    let mut rows = 0;
    for resource in &schema.resources {
        for op in &resource.operations {
            for row in &op.errors {
                let body = ucwa::ErrorBody {
                    code: row.error.clone(),
                    subcode: row.subcode.clone(),
                    ..Default::default()
                };
                let response = answer(
                    row.code,
                    Some("application/json"),
                    ucwa::json::to_vec(&body),
                );
                let typed = match (resource.name.as_str(), op.method.as_str()) {
                    ("escalateAudioVideo", "POST") => {
                        typed(EscalateAudioVideoPost::response(&response), |e| {
                            !matches!(e, EscalateAudioVideoPostError::Common(_))
                        })
                    }
                    ("audioVideoInvitation", "GET") => {
                        typed(AudioVideoInvitationGet::response(&response), |e| {
                            !matches!(e, AudioVideoInvitationGetError::Common(_))
                        })
                    }
                    ("participant", "GET") => {
                        typed(ucwa::operations::ParticipantGet::response(&response), |e| {
                            !matches!(e, ParticipantGetError::Common(_))
                        })
                    }
                    ("audioVideo", "GET") => {
                        typed(ucwa::operations::AudioVideoGet::response(&response), |e| {
                            !matches!(e, AudioVideoGetError::Common(_))
                        })
                    }
                    ("applications", "POST") => typed(
                        ucwa::operations::ApplicationsPost::response(&response),
                        |e| !matches!(e, ucwa::operations::ApplicationsPostError::Common(_)),
                    ),
                    ("application", "GET") => {
                        typed(ucwa::operations::ApplicationGet::response(&response), |e| {
                            !matches!(e, ucwa::operations::ApplicationGetError::Common(_))
                        })
                    }
                    // The other operations: `every_row_is_a_variant_of_its_operations_error`.
                    _ => continue,
                };
                assert!(
                    typed,
                    "{} {}: {} {:?} is not typed",
                    op.method, resource.name, row.code, row.subcode
                );
                rows += 1;
            }
        }
    }
    assert_eq!(rows, 35);
}

/// For every operation of the schema, each row of its table is a variant of the error enum
/// its `Operation::Error` names (through a shared table's alias), with that row's status and
/// subcode: read from the source compiled into `ucwa`, so no operation is left out. How such
/// a variant is classified is the derive's, tested on its own (`ui/pass_operation_error.rs`)
/// and on the operations above.
#[test]
fn every_row_is_a_variant_of_its_operations_error() {
    let schema = ucwa_codegen::Builder::new()
        .schema_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema"))
        .check()
        .unwrap();
    let file = syn::parse_file(ucwa::__GENERATED_SOURCE).unwrap();
    let operations = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "operations" => m.content.as_ref(),
            _ => None,
        })
        .map(|(_, items)| items)
        .unwrap();
    // Error enums by name, with their rows; aliases by name.
    let mut enums = std::collections::BTreeMap::new();
    let mut aliases = std::collections::BTreeMap::new();
    let mut errors_of = std::collections::BTreeMap::new();
    for item in operations {
        match item {
            syn::Item::Enum(e) => {
                let rows: Vec<(u16, Option<String>)> =
                    e.variants.iter().filter_map(|v| row_of(&v.attrs)).collect();
                enums.insert(e.ident.to_string(), rows);
            }
            syn::Item::Type(t) => {
                let syn::Type::Path(target) = &*t.ty else {
                    continue;
                };
                let target = target.path.segments.last().unwrap().ident.to_string();
                aliases.insert(t.ident.to_string(), target);
            }
            syn::Item::Impl(i) if i.trait_.is_some() => {
                let syn::Type::Path(op) = &*i.self_ty else {
                    continue;
                };
                let op = op.path.segments.last().unwrap().ident.to_string();
                for item in &i.items {
                    if let syn::ImplItem::Type(t) = item
                        && t.ident == "Error"
                        && let syn::Type::Path(error) = &t.ty
                    {
                        let error = error.path.segments.last().unwrap().ident.to_string();
                        errors_of.insert(op.clone(), error);
                    }
                }
            }
            _ => {}
        }
    }
    let mut checked = 0;
    for resource in &schema.resources {
        for op in &resource.operations {
            let name = format!(
                "{}{}{}",
                resource.name[..1].to_uppercase(),
                &resource.name[1..],
                op.method[..1].to_owned() + &op.method[1..].to_lowercase()
            );
            let error = &errors_of[&name];
            let error = aliases.get(error).unwrap_or(error);
            let rows = &enums[error];
            for row in &op.errors {
                assert!(
                    rows.contains(&(row.code, row.subcode.clone())),
                    "{name}: {} {:?} is not a variant of {error}",
                    row.code,
                    row.subcode
                );
                checked += 1;
            }
        }
    }
    assert_eq!(
        errors_of.len(),
        262,
        "every operation implements `Operation`"
    );
    assert!(checked > 1000, "only {checked} rows");
}

/// The `(status, subcode)` of `#[ucwa(status = .., subcode = "..")]`.
fn row_of(attrs: &[syn::Attribute]) -> Option<(u16, Option<String>)> {
    let mut row = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("ucwa")) {
        let mut status = None;
        let mut subcode = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("status") {
                status = Some(meta.value()?.parse::<syn::LitInt>()?.base10_parse()?);
            } else if meta.path.is_ident("subcode") {
                subcode = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            }
            Ok(())
        });
        if let Some(status) = status {
            row = Some((status, subcode));
        }
    }
    row
}

fn typed<T: std::fmt::Debug, E: std::error::Error + ucwa::operation::OperationError>(
    result: Result<T, ResponseError<E>>,
    own_variant: impl Fn(&E) -> bool,
) -> bool {
    match result {
        Err(ResponseError::Ucwa(error)) => own_variant(&error),
        other => panic!("not a UCWA error: {other:?}"),
    }
}

#[test]
fn generic_and_unknown_errors_are_kept() {
    let response = answer(
        400,
        Some("application/json"),
        r#"{"code": "BadRequest", "subcode": "ParameterValidationFailure", "message": "operationId", "parameters": {"operationId": "too long"}}"#,
    );
    match EscalateAudioVideoPost::response(&response) {
        Err(ResponseError::Ucwa(EscalateAudioVideoPostError::Common(UcwaError::Generic {
            status,
            kind,
            body,
        }))) => {
            assert_eq!(status, 400);
            assert_eq!(kind, GenericError::ParameterValidationFailure);
            assert_eq!(body.parameters.unwrap()["operationId"], "too long");
        }
        other => panic!("{other:?}"),
    }
    let response = answer(
        404,
        Some("application/json"),
        r#"{"code": "NotFound", "subcode": "ApplicationNotFound"}"#,
    );
    assert!(matches!(
        EscalateAudioVideoPost::response(&response),
        Err(ResponseError::Ucwa(EscalateAudioVideoPostError::Common(
            UcwaError::Generic {
                kind: GenericError::ApplicationNotFound,
                ..
            }
        )))
    ));
    // A subcode nobody listed: kept whole.
    let response = answer(
        409,
        Some("application/json"),
        r#"{"code": "Conflict", "subcode": "PGetReplaced", "debugInfo": {"id": "7"}}"#,
    );
    match EscalateAudioVideoPost::response(&response) {
        Err(ResponseError::Ucwa(
            error @ EscalateAudioVideoPostError::Common(UcwaError::Other { .. }),
        )) => {
            assert_eq!(error.status(), 409);
            assert_eq!(error.body().subcode.as_deref(), Some("PGetReplaced"));
            assert_eq!(error.to_string(), "409 Conflict (PGetReplaced)");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn answers_not_from_ucwa_are_refused_with_what_they_were() {
    let html = format!(
        "<html><head><title>401 Unauthorized</title></head><body>{}</body></html>",
        "x".repeat(500)
    );
    let not_ucwa = |response: Response<Vec<u8>>| match EscalateAudioVideoPost::response(&response) {
        Err(ResponseError::NotUcwa(not_ucwa)) => not_ucwa,
        other => panic!("{other:?}"),
    };
    let proxy = not_ucwa(answer(401, Some("text/html; charset=utf-8"), html.clone()));
    assert_eq!(proxy.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        proxy.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(
        proxy
            .excerpt
            .starts_with("<html><head><title>401 Unauthorized")
    );
    assert_eq!(
        proxy.excerpt.chars().count(),
        NotUcwa::EXCERPT + 1,
        "bounded, with an ellipsis"
    );
    assert!(
        proxy
            .to_string()
            .contains("status 401 Unauthorized, Content-Type text/html"),
        "{proxy}"
    );

    let empty = not_ucwa(answer(503, None, Vec::new()));
    assert_eq!(empty.reason, "an error status without a body");
    assert_eq!(empty.excerpt, "");

    let wrong_type = not_ucwa(answer(201, Some("text/plain"), "created"));
    assert_eq!(wrong_type.reason, "a success in an unexpected media type");

    // A UCWA media type whose error body is not an error body.
    let garbage = not_ucwa(answer(500, Some("application/json"), "{\"nope\": 1}"));
    assert!(
        garbage.reason.contains("missing field `code`"),
        "{}",
        garbage.reason
    );

    // A success whose body does not decode: the decoding error, with its position.
    match EscalateAudioVideoPost::response(&answer(201, Some("application/json"), "{\"state\": 3}"))
    {
        Err(ResponseError::Decode { status, error }) => {
            assert_eq!(status, StatusCode::CREATED);
            assert!(error.position().is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn get_operations_need_only_a_link() {
    let inv: ucwa::resources::AudioVideoInvitation =
        ucwa::json::from_slice(&fixture("audioVideoInvitation.response.json")).unwrap();
    let self_link = ucwa::Resource::typed_self_link(&inv).unwrap();
    let request = AudioVideoInvitationGet::request(&origin(), &self_link, Format::Json).unwrap();
    assert_eq!(request.method(), Method::GET);
    assert_eq!(
        request.uri().path(),
        "/ucwa/v1/applications/192/communication/invitations/507"
    );
    assert!(request.headers().get(header::CONTENT_TYPE).is_none());
    assert!(request.body().is_empty());
    let back = AudioVideoInvitationGet::response(&answer(
        200,
        Some("application/json"),
        fixture("audioVideoInvitation.response.json"),
    ))
    .unwrap();
    assert_eq!(back, inv);
}

/// Every PUT is conditional: its request takes the resource's entity tag and sends it as
/// `If-Match`; the answers to a missing or stale tag are typed.
#[test]
fn a_put_carries_the_entity_tag_it_was_given() {
    use ucwa::operation::ETag;
    use ucwa::operations::{MyOnlineMeetingPut, MyOnlineMeetingPutBody, MyOnlineMeetingPutError};

    let meeting: ucwa::Link<ucwa::resources::MyOnlineMeeting> =
        ucwa::Link::to("/ucwa/oauth/v1/applications/1/onlineMeetings/myOnlineMeetings/F1");
    let body = MyOnlineMeetingPutBody {
        subject: Some("Weekly sync".into()),
        ..Default::default()
    };
    let answer = Response::builder()
        .status(200)
        .header("ETag", "3109609770")
        .body(Vec::<u8>::new())
        .unwrap();
    let etag = ETag::of(&answer).unwrap();
    for format in [Format::Json, Format::Xml] {
        let request =
            MyOnlineMeetingPut::request(&origin(), &meeting, &body, &etag, format).unwrap();
        assert_eq!(request.method(), Method::PUT);
        assert_eq!(request.headers()[header::IF_MATCH], "3109609770");
    }

    for (status, code, expected) in [
        (412, "PreconditionFailed", GenericError::PreconditionFailed),
        (
            428,
            "PreconditionRequired",
            GenericError::PreconditionRequired,
        ),
    ] {
        let response = Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "application/json")
            .body(format!(r#"{{"code":"{code}","message":"m"}}"#).into_bytes())
            .unwrap();
        match MyOnlineMeetingPut::response(&response) {
            Err(ResponseError::Ucwa(MyOnlineMeetingPutError::Common(UcwaError::Generic {
                status: found,
                kind,
                ..
            }))) => {
                assert_eq!(found, status);
                assert_eq!(kind, expected);
            }
            other => panic!("{status}: {other:?}"),
        }
    }
}

/// Content a body sends as a `data:` URI goes under `_links` in JSON and as a `<link>` of the
/// `<input>` in XML, and reads back; an answer that is only a `Location` gives the typed link.
#[test]
fn start_messaging_sends_its_message_as_a_data_link_and_gives_the_invitation_link() {
    use ucwa::operations::{
        StartMessagingPost, StartMessagingPostBody, StartMessagingPostBodyLinks,
        StartMessagingPostQuery,
    };
    let start: ucwa::Link<ucwa::resources::StartMessaging> =
        ucwa::Link::to("/ucwa/oauth/v1/applications/192/communication/startMessaging");
    let body = StartMessagingPostBody {
        to: Some("sip:john@contoso.com".into()),
        links: StartMessagingPostBodyLinks {
            message: Some(ucwa::DataUri::from_bytes("text/html", b"<b>hi</b>").unwrap()),
            ..Default::default()
        },
        ..Default::default()
    };
    for format in [Format::Json, Format::Xml] {
        let request = StartMessagingPost::request(
            &origin(),
            &start,
            &StartMessagingPostQuery::default(),
            &body,
            format,
        )
        .unwrap();
        let text = String::from_utf8(request.body().clone()).unwrap();
        match format {
            Format::Json => assert!(
                text.contains(
                    r#""_links":{"message":{"href":"data:text/html;base64,PGI+aGk8L2I+"}}"#
                ),
                "{text}"
            ),
            Format::Xml => assert!(
                text.contains(
                    r#"<link rel="message" href="data:text/html;base64,PGI+aGk8L2I+" />"#
                ),
                "{text}"
            ),
        }
        let back: StartMessagingPostBody =
            ucwa::codec::decode(format.media_type(), request.body()).unwrap();
        assert_eq!(back, body);
        assert_eq!(
            back.links.message.unwrap().decode().unwrap(),
            b"<b>hi</b>".to_vec()
        );
    }

    let created = Response::builder()
        .status(201)
        .header(
            header::LOCATION,
            "/ucwa/oauth/v1/applications/192/communication/messagingInvitations/602",
        )
        .body(Vec::<u8>::new())
        .unwrap();
    let invitation: ucwa::Link<ucwa::resources::MessagingInvitation> =
        StartMessagingPost::response(&created).unwrap();
    assert_eq!(
        invitation.href.as_str(),
        "/ucwa/oauth/v1/applications/192/communication/messagingInvitations/602"
    );
    let no_location = Response::builder()
        .status(201)
        .body(Vec::<u8>::new())
        .unwrap();
    let err = StartMessagingPost::response(&no_location).unwrap_err();
    assert!(
        err.to_string().contains("without a `Location` header"),
        "{err}"
    );
}

/// `X-Ms-Diagnostics` is kept on every error answer: in the typed error's body, and on an
/// answer that is not UCWA (a bodiless 503 says nothing else).
#[test]
fn the_diagnostics_header_is_kept_on_every_error() {
    let header = r#"28020;reason="No valid security token.";source="fe1.contoso.com""#;
    let bodiless = Response::builder()
        .status(503)
        .header("X-Ms-Diagnostics", header)
        .body(Vec::<u8>::new())
        .unwrap();
    match AudioVideoInvitationGet::response(&bodiless) {
        Err(ResponseError::NotUcwa(answer)) => {
            assert_eq!(answer.diagnostics.as_deref(), Some(header));
            assert!(
                answer.to_string().contains("No valid security token."),
                "{answer}"
            );
        }
        other => panic!("{other:?}"),
    }
    let typed = Response::builder()
        .status(409)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-ms-diagnostics", header)
        .body(br#"{"code":"Conflict","subcode":"AlreadyExists"}"#.to_vec())
        .unwrap();
    match AudioVideoInvitationGet::response(&typed) {
        Err(ResponseError::Ucwa(error)) => {
            assert_eq!(error.body().diagnostics.as_deref(), Some(header));
            // Not a member of the body: it does not go back out with it.
            assert!(
                !String::from_utf8(ucwa::json::to_vec(error.body()))
                    .unwrap()
                    .contains("28020")
            );
        }
        other => panic!("{other:?}"),
    }
}

/// The numeric limits of the reference's tables are checked before a request is built, on query
/// parameters (`timeout` of the event channel: 180 to 1800) and body fields (`ringDelay`: 0 to
/// 55), and so are the lengths of body fields; the errors name the parameter and the limit.
#[test]
fn numeric_ranges_and_field_lengths_are_checked() {
    use ucwa::operations::{
        EventsGet, EventsGetQuery, SimultaneousRingToTeamPost, SimultaneousRingToTeamPostBody,
        SimultaneousRingToTeamPostQuery, StartMessagingPost, StartMessagingPostBody,
        StartMessagingPostQuery,
    };
    let events: ucwa::Link<ucwa::resources::Events> =
        ucwa::Link::to("/ucwa/oauth/v1/applications/1/events?ack=1");
    let with_timeout = |t: &str| EventsGetQuery {
        timeout: Some(t.into()),
        ..Default::default()
    };
    assert!(EventsGet::request(&origin(), &events, &with_timeout("900"), Format::Json).is_ok());
    let err =
        EventsGet::request(&origin(), &events, &with_timeout("60"), Format::Json).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`timeout` is 60; it must be from 180 to 1800"
    );
    let err =
        EventsGet::request(&origin(), &events, &with_timeout("3m"), Format::Json).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`timeout` must be a whole number, found \"3m\""
    );

    let team: ucwa::Link<ucwa::resources::SimultaneousRingToTeam> =
        ucwa::Link::to("/ucwa/oauth/v1/applications/1/me/simultaneousRingToTeam");
    let body = |delay| SimultaneousRingToTeamPostBody {
        ring_delay: Some(delay),
        ..Default::default()
    };
    let query = SimultaneousRingToTeamPostQuery::default();
    assert!(
        SimultaneousRingToTeamPost::request(&origin(), &team, &query, &body(55), Format::Xml)
            .is_ok()
    );
    let err = SimultaneousRingToTeamPost::request(&origin(), &team, &query, &body(56), Format::Xml)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`ringDelay` is 56; it must be from 0 to 55"
    );
    let err =
        SimultaneousRingToTeamPost::request(&origin(), &team, &query, &body(-1), Format::Json)
            .unwrap_err();
    assert!(matches!(
        err,
        RequestError::OutOfRange {
            name: "ringDelay",
            found: -1,
            ..
        }
    ));

    let start: ucwa::Link<ucwa::resources::StartMessaging> =
        ucwa::Link::to("/ucwa/oauth/v1/applications/1/communication/startMessaging");
    let long = StartMessagingPostBody {
        subject: Some("s".repeat(251)),
        ..Default::default()
    };
    let err = StartMessagingPost::request(
        &origin(),
        &start,
        &StartMessagingPostQuery::default(),
        &long,
        Format::Json,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the field `subject` is 251 characters long; the limit is 250"
    );
}
