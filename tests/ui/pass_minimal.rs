// The smallest resource: a rel and nothing else. Members it does not know are errors.
#[derive(Debug, ucwa_runtime::Resource)]
#[ucwa(rel = "ping")]
struct Ping {}

fn main() {
    let ping: Ping = ucwa_runtime::json::from_str(r#"{"rel": "ping"}"#).unwrap();
    assert!(ucwa_runtime::Resource::self_link(&ping).is_none());
    assert!(ucwa_runtime::json::from_str::<Ping>(r#"{"x": 1}"#).is_err());
}
