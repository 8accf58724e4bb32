//! Drives headless Chromium through chromedriver (WebDriver) with fantoccini.
//!
//! Each test starts its own chromedriver on a free port, and chromedriver
//! starts its own Chromium with a fresh profile. Dropping the [`Browser`]
//! (also while a failed test unwinds) ends the WebDriver session and kills
//! chromedriver and everything it started.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// The time zone the browser runs in.
pub const BROWSER_TIME_ZONE: &str = "Asia/Shanghai";

/// How long any wait (an element, a page, chromedriver starting) may take
/// before the test fails instead of hanging.
pub const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

/// The browser window (`--window-size`). Screenshots show the page area,
/// which is smaller by the browser's (unseen) frame: 1280 x 757 with
/// Chromium 156.
pub const WINDOW: (u32, u32) = (1280, 900);
/// How long Chromium may take to start.
const BROWSER_START: Duration = Duration::from_secs(30);

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// `name` on PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The Chromium executable. Debian's `/usr/bin/chromium` is a launcher
/// script that adds flags of its own (from /etc/chromium.d); the browser it
/// starts is `../lib/chromium/chromium`, so that is started directly, with
/// only the flags below.
fn chromium_binary() -> Option<PathBuf> {
    let found = on_path("chromium")?;
    let is_script = std::fs::File::open(&found)
        .and_then(|mut file| {
            let mut start = [0u8; 2];
            file.read_exact(&mut start).map(|()| &start == b"#!")
        })
        .unwrap_or(false);
    if is_script {
        let real = found
            .parent()
            .and_then(Path::parent)
            .map(|prefix| prefix.join("lib/chromium/chromium"))
            .filter(|real| real.is_file());
        if let Some(real) = real {
            return Some(real);
        }
    }
    Some(found)
}

/// Chromium and chromedriver, or None (after saying the test is skipped)
/// when one is missing outside CI. Under CI a missing one fails the test.
fn find_browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = chromium_binary();
    let chromedriver = on_path("chromedriver");
    if let (Some(chromium), Some(chromedriver)) = (&chromium, &chromedriver) {
        return Some((chromium.clone(), chromedriver.clone()));
    }
    let missing = [
        ("chromium", chromium.is_none()),
        ("chromedriver", chromedriver.is_none()),
    ]
    .iter()
    .filter(|(_, missing)| *missing)
    .map(|(name, _)| format!("{name} not found on PATH"))
    .collect::<Vec<_>>()
    .join(", ");
    if in_ci() {
        panic!(
            "the browser tests need Chromium and chromedriver under CI=true ({missing}); \
             install them with `apt-get install -y chromium chromium-driver fonts-noto-cjk`"
        );
    }
    eprintln!(
        "SKIPPED (chromium/chromedriver not installed: {missing}); set CI=true to make this a failure"
    );
    None
}

/// Where screenshots go: `<target>/browser-screenshots/<test>/`.
fn screenshot_dir(test: &str) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| manifest.join("target"), |dir| manifest.join(dir));
    target.join("browser-screenshots").join(test)
}

/// The chromedriver process and the WebDriver session it serves; ending
/// it (on drop) closes Chromium too.
struct Chromedriver {
    child: Child,
    port: u16,
    session: Option<String>,
}

impl Chromedriver {
    /// Starts chromedriver on a port it picks and waits until it listens.
    async fn start(binary: &Path) -> Chromedriver {
        let mut child = Command::new(binary)
            .arg("--port=0")
            // Chromium reads its time zone from TZ: a fixed zone far from
            // UTC, so pages that propose the browser's zone are tested
            // the same way on every machine.
            .env("TZ", BROWSER_TIME_ZONE)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            // Its own process group, so that Chromium, which it starts,
            // can be killed along with it.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        let stdout = child.stdout.take().expect("chromedriver's stdout");
        let (port_tx, port_rx) = mpsc::channel();
        // Reads the port from "ChromeDriver was started successfully on
        // port N.", then keeps draining the pipe so chromedriver never
        // blocks on it.
        std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let port = line
                    .strip_prefix("ChromeDriver was started successfully on port ")
                    .and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok());
                if let Some(port) = port {
                    let _ = port_tx.send(Ok(port));
                } else {
                    lines.push(line);
                }
            }
            let _ = port_tx.send(Err(lines.join("\n")));
        });
        let started = tokio::task::spawn_blocking(move || port_rx.recv_timeout(TIMEOUT))
            .await
            .expect("wait for chromedriver");
        let mut driver = Chromedriver {
            child,
            port: 0,
            session: None,
        };
        match started {
            Ok(Ok(port)) => driver.port = port,
            Ok(Err(output)) => panic!("chromedriver exited before it listened:\n{output}"),
            Err(_) => panic!("chromedriver did not start listening within {TIMEOUT:?}"),
        }
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sends `method path` and waits for the first bytes of the answer: a
    /// plain blocking request, as drop cannot wait for async code.
    /// chromedriver keeps the connection open after answering, so the
    /// rest of the answer is not waited for.
    fn request(&self, method: &str, path: &str) -> std::io::Result<()> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(TIMEOUT))?;
        stream.set_write_timeout(Some(TIMEOUT))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )?;
        let mut answer = [0u8; 64];
        match stream.read(&mut answer)? {
            0 => Err(std::io::ErrorKind::UnexpectedEof.into()),
            _ => Ok(()),
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The orderly way: end the session (chromedriver answers once
        // Chromium has quit), then ask chromedriver to exit.
        if let Some(session) = self.session.take() {
            let _ = self.request("DELETE", &format!("/session/{session}"));
        }
        let _ = self.request("GET", "/shutdown");
        let deadline = Instant::now() + Duration::from_secs(2);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Whatever is left of the process group (Chromium, should the
        // session not have ended), then chromedriver itself.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium pointed at one test server.
pub struct Browser {
    client: Client,
    base: String,
    shots: PathBuf,
    shot_count: u32,
    // Dropped in this order: the session and processes first, then the
    // profile folder they used.
    _driver: Chromedriver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts a browser for `app`; `test` names the screenshot folder.
    /// None when Chromium or chromedriver is missing outside CI.
    pub async fn start(app: &TestApp, test: &str) -> Option<Browser> {
        let (chromium, chromedriver) = find_browser()?;
        let profile = tempfile::tempdir().expect("a temporary profile folder");
        let mut driver = Chromedriver::start(&chromedriver).await;
        let (width, height) = WINDOW;
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                // Pages come in English unless a test switches language,
                // whatever the machine's locale.
                "prefs": { "intl": { "accept_languages": "en-US,en" } },
            },
            // No WebDriver command waits longer than a test would.
            "timeouts": {
                "pageLoad": TIMEOUT.as_millis(),
                "script": TIMEOUT.as_millis(),
                "implicit": 0,
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object")
        };
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let url = driver.url();
        let client = match tokio::time::timeout(BROWSER_START, builder.connect(&url)).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!(
                "chromedriver could not start Chromium ({}): {e}",
                chromium.display()
            ),
            Err(_) => panic!(
                "Chromium ({}) did not start within {BROWSER_START:?}",
                chromium.display()
            ),
        };
        driver.session = client.session_id().await.ok().flatten();
        let shots = screenshot_dir(test);
        // Screenshots of an earlier run would mix with this run's.
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots)
            .unwrap_or_else(|e| panic!("create {}: {e}", shots.display()));
        Some(Browser {
            client,
            base: app.address.clone(),
            shots,
            shot_count: 0,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Opens `path` on the test server.
    pub async fn goto(&mut self, path: &str) {
        let url = format!("{}{path}", self.base);
        if let Err(e) = self.client.goto(&url).await {
            self.fail(&format!("could not open {url}: {e}")).await;
        }
    }

    /// Waits (at most [`TIMEOUT`]) for an element matching `css`.
    pub async fn wait_for(&mut self, css: &str) -> Element {
        let found = self
            .client
            .wait()
            .at_most(TIMEOUT)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => element,
            Err(e) => {
                self.fail(&format!("no element `{css}` within {TIMEOUT:?}: {e}"))
                    .await
            }
        }
    }

    /// Types `text` into the field `css` (after clearing it).
    pub async fn fill(&mut self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        let typed = match field.clear().await {
            Ok(()) => field.send_keys(text).await,
            Err(e) => Err(e),
        };
        if let Err(e) = typed {
            self.fail(&format!("could not type into `{css}`: {e}"))
                .await;
        }
    }

    /// Presses keys in whatever element has the focus, as a person at the
    /// keyboard would (WebDriver key codes such as `KEY_ENTER` included).
    pub async fn keys(&mut self, keys: &str) {
        let sent = match self.client.active_element().await {
            Ok(element) => element.send_keys(keys).await,
            Err(e) => Err(e),
        };
        if let Err(e) = sent {
            self.fail(&format!("could not press keys: {e}")).await;
        }
    }

    /// The `id` (or, without one, the `name`) of the focused element.
    pub async fn focused(&mut self) -> String {
        match self.client.active_element().await {
            Ok(element) => match element.attr("id").await {
                Ok(Some(id)) => id,
                _ => element
                    .attr("name")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            },
            Err(_) => String::new(),
        }
    }

    /// Clicks the element `css`.
    pub async fn click(&mut self, css: &str) {
        let element = self.wait_for(css).await;
        if let Err(e) = element.click().await {
            self.fail(&format!("could not click `{css}`: {e}")).await;
        }
    }

    /// Chooses the option with `value` in the `<select>` `css`.
    pub async fn select(&mut self, css: &str, value: &str) {
        let element = self.wait_for(css).await;
        if let Err(e) = element.select_by_value(value).await {
            self.fail(&format!("could not choose `{value}` in `{css}`: {e}"))
                .await;
        }
    }

    /// The visible text of the element `css`.
    pub async fn text(&mut self, css: &str) -> String {
        let element = self.wait_for(css).await;
        match element.text().await {
            Ok(text) => text,
            Err(e) => self.fail(&format!("could not read `{css}`: {e}")).await,
        }
    }

    /// An attribute of the element `css`.
    pub async fn attr(&mut self, css: &str, attribute: &str) -> Option<String> {
        let element = self.wait_for(css).await;
        match element.attr(attribute).await {
            Ok(value) => value,
            Err(e) => {
                self.fail(&format!("could not read `{attribute}` of `{css}`: {e}"))
                    .await
            }
        }
    }

    /// A DOM property of the element `css` (e.g. a select's current `value`).
    pub async fn prop(&mut self, css: &str, property: &str) -> Option<String> {
        let element = self.wait_for(css).await;
        match element.prop(property).await {
            Ok(value) => value,
            Err(e) => {
                self.fail(&format!(
                    "could not read property `{property}` of `{css}`: {e}"
                ))
                .await
            }
        }
    }

    /// The path (and query) of the page the browser shows.
    pub async fn path(&mut self) -> String {
        match self.client.current_url().await {
            Ok(url) => match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            },
            Err(e) => self.fail(&format!("could not read the URL: {e}")).await,
        }
    }

    /// Waits (at most [`TIMEOUT`]) until the browser shows `path`.
    pub async fn wait_for_path(&mut self, path: &str) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if self.path().await == path {
                return;
            }
            if Instant::now() >= deadline {
                self.fail(&format!(
                    "the browser did not reach {path} within {TIMEOUT:?}"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Saves a PNG of the window as `NN-<name>.png`, numbered in the order
    /// taken; returns its path.
    pub async fn screenshot(&mut self, name: &str) -> PathBuf {
        match self.save_screenshot(name).await {
            Ok(file) => file,
            Err(e) => panic!("{e}"),
        }
    }

    async fn save_screenshot(&mut self, name: &str) -> Result<PathBuf, String> {
        self.shot_count += 1;
        let file = self
            .shots
            .join(format!("{:02}-{name}.png", self.shot_count));
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|e| format!("take the screenshot {}: {e}", file.display()))?;
        std::fs::write(&file, png).map_err(|e| format!("write {}: {e}", file.display()))?;
        Ok(file)
    }

    /// Logs in through the real /login form and waits until it has
    /// redirected away from it.
    pub async fn login(&mut self, email: &str, password: &str) {
        self.goto("/login").await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click("form[action='/login'] button[type=submit]")
            .await;
        let deadline = Instant::now() + TIMEOUT;
        while self.path().await.starts_with("/login") {
            if let Ok(refusal) = self.client.find(Locator::Css("main .alert.error")).await {
                let reason = refusal.text().await.unwrap_or_default();
                self.fail(&format!("logging in as {email} was refused: {reason}"))
                    .await;
            }
            if Instant::now() >= deadline {
                self.fail(&format!("logging in as {email} did not leave /login"))
                    .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Asserts that `attribute` of the element `css` is `expected`.
    pub async fn assert_attr_eq(&mut self, css: &str, attribute: &str, expected: &str) {
        let value = self.attr(css, attribute).await;
        if value.as_deref() != Some(expected) {
            self.fail(&format!(
                "`{attribute}` of `{css}` should be {expected:?} but is {value:?}"
            ))
            .await;
        }
    }

    /// Asserts that the text of `css` contains `expected`.
    pub async fn assert_text_contains(&mut self, css: &str, expected: &str) {
        let text = self.text(css).await;
        if !text.contains(expected) {
            self.fail(&format!(
                "`{css}` should contain {expected:?} but reads {text:?}"
            ))
            .await;
        }
    }

    /// Asserts that the text of `css` is exactly `expected`.
    pub async fn assert_text_eq(&mut self, css: &str, expected: &str) {
        let text = self.text(css).await;
        if text != expected {
            self.fail(&format!(
                "`{css}` should read {expected:?} but reads {text:?}"
            ))
            .await;
        }
    }

    /// Asserts that the page's visible text does not contain `unexpected`.
    pub async fn assert_page_lacks(&mut self, unexpected: &str) {
        let text = self.text("body").await;
        if text.contains(unexpected) {
            self.fail(&format!("the page should not show {unexpected:?}"))
                .await;
        }
    }

    /// Fails the test: saves a screenshot, then panics with `message`, the
    /// page's URL and its visible text.
    pub async fn fail(&mut self, message: &str) -> ! {
        let shot = self
            .save_screenshot("FAILED")
            .await
            .map_or_else(|e| format!("none ({e})"), |file| file.display().to_string());
        let url = self
            .client
            .current_url()
            .await
            .map_or_else(|e| format!("(unknown: {e})"), |url| url.to_string());
        let text = match self.client.find(Locator::Css("body")).await {
            Ok(body) => body
                .text()
                .await
                .unwrap_or_else(|e| format!("(unreadable: {e})")),
            Err(e) => format!("(no body: {e})"),
        };
        panic!("{message}\n  at: {url}\n  screenshot: {shot}\n  page text:\n{text}");
    }
}
