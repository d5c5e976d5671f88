//! A real HTTPS (and plain HTTP) server in process: hyper 1 over tokio-rustls, answering each URL
//! the way the test asked (a document with a content type, a redirect, a status, silence).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, LOCATION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// The default content type of a served document, as most servers send `.xml` files.
pub const XML: &str = "text/xml";

/// How the server answers one URL.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A body; `content_length: false` streams it chunked, without a Content-Length.
    Body {
        body: Bytes,
        content_type: Option<String>,
        content_length: bool,
    },
    Status(u16),
    /// `302 Found` to this location.
    Redirect(String),
    /// Accepts the request and never answers.
    Hang,
    /// Answers `200 OK` as XML with a `Content-Length` of this many bytes, then never sends
    /// the body.
    StalledBody(usize),
    /// Answers after a while.
    Delay(Duration, Box<Reply>),
    /// A document of any size that is never held in memory: `head`, then `padding` filler bytes
    /// made as they are sent, then `tail` (see [`Reply::padded`]).
    Padded {
        head: Bytes,
        padding: usize,
        tail: Bytes,
        content_length: bool,
    },
    /// A document sent one byte at a time, `every` apart (with a Content-Length).
    Trickle {
        body: Bytes,
        every: Duration,
    },
}

/// What a padded document is padded with, sent in slices of this.
static FILLER: [u8; 64 * 1024] = [b'x'; 64 * 1024];

impl Reply {
    /// A document of `fixtures/autoconfig/`, served as `text/xml`.
    pub fn fixture(file: &str) -> Reply {
        Reply::xml(super::fixture_text(file))
    }

    /// `text` served as `text/xml`, with a Content-Length.
    pub fn xml(text: impl Into<String>) -> Reply {
        Reply::Body {
            body: Bytes::from(text.into()),
            content_type: Some(XML.to_owned()),
            content_length: true,
        }
    }

    /// The same body with another Content-Type (`None`: no Content-Type header at all).
    pub fn typed(self, content_type: Option<&str>) -> Reply {
        match self {
            Reply::Body {
                body,
                content_length,
                ..
            } => Reply::Body {
                body,
                content_type: content_type.map(str::to_owned),
                content_length,
            },
            other => panic!("only a body has a content type, not {other:?}"),
        }
    }

    /// The same body, streamed in chunks without a Content-Length.
    pub fn chunked(self) -> Reply {
        match self {
            Reply::Body {
                body, content_type, ..
            } => Reply::Body {
                body,
                content_type,
                content_length: false,
            },
            Reply::Padded {
                head,
                padding,
                tail,
                ..
            } => Reply::Padded {
                head,
                padding,
                tail,
                content_length: false,
            },
            other => panic!("only a body can be chunked, not {other:?}"),
        }
    }

    pub fn after(self, delay: Duration) -> Reply {
        Reply::Delay(delay, Box::new(self))
    }

    /// `text` grown to `size` bytes by an XML comment after its XML declaration, served as
    /// `text/xml` with a Content-Length (`chunked` for none).
    pub fn padded(text: &str, size: usize) -> Reply {
        let at = if text.starts_with("<?xml") {
            text.find("?>").map_or(0, |end| end + 2)
        } else {
            0
        };
        let head = format!("{}\n<!-- ", &text[..at]);
        let tail = format!(" -->\n{}", &text[at..]);
        Reply::Padded {
            padding: size.saturating_sub(head.len() + tail.len()),
            head: Bytes::from(head),
            tail: Bytes::from(tail),
            content_length: true,
        }
    }

    /// `text` sent one byte every `every`.
    pub fn trickled(text: impl Into<String>, every: Duration) -> Reply {
        Reply::Trickle {
            body: Bytes::from(text.into()),
            every,
        }
    }
}

/// What the server answers and what it was asked.
#[derive(Default)]
pub struct Web {
    routes: Mutex<HashMap<String, Reply>>,
    log: Mutex<Vec<String>>,
}

type Body = BoxBody<Bytes, Infallible>;

impl Web {
    /// Answers `url` (scheme, host, port, path; the query is ignored) with `reply`.
    pub fn route(&self, url: &str, reply: Reply) {
        let parsed = reqwest::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        let key = key(
            parsed.scheme(),
            parsed.host_str().expect("a host"),
            parsed.port(),
            parsed.path(),
        );
        self.routes.lock().unwrap().insert(key, reply);
    }

    /// Every request so far, as `scheme://host[:port]/path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    async fn respond(&self, scheme: &str, port: u16, request: Request<Incoming>) -> Response<Body> {
        let host = request
            .headers()
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let default_port = if scheme == "https" { 443 } else { 80 };
        let port = (port != default_port).then_some(port);
        let key = key(scheme, &host, port, request.uri().path());
        let query = request
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        // A request other than a GET (an Autodiscover POST) says its method.
        let method = match request.method().as_str() {
            "GET" => String::new(),
            other => format!("{other} "),
        };
        self.log
            .lock()
            .unwrap()
            .push(format!("{method}{key}{query}"));
        let mut reply = self
            .routes
            .lock()
            .unwrap()
            .get(&key)
            .cloned()
            .unwrap_or(Reply::Status(404));
        loop {
            match reply {
                Reply::Delay(delay, inner) => {
                    tokio::time::sleep(delay).await;
                    reply = *inner;
                }
                Reply::Hang => std::future::pending::<()>().await,
                Reply::StalledBody(length) => {
                    let never = futures::stream::pending::<Result<Frame<Bytes>, Infallible>>();
                    return Response::builder()
                        .status(StatusCode::OK)
                        .header(CONTENT_TYPE, XML)
                        .header(CONTENT_LENGTH, length)
                        .body(StreamBody::new(never).boxed())
                        .unwrap();
                }
                Reply::Padded {
                    head,
                    padding,
                    tail,
                    content_length,
                } => {
                    let length = head.len() + padding + tail.len();
                    let filler = futures::stream::unfold(padding, |left| async move {
                        let n = left.min(FILLER.len());
                        (n > 0).then(|| (Bytes::from_static(&FILLER[..n]), left - n))
                    });
                    use futures::StreamExt as _;
                    let frames = futures::stream::once(async { head })
                        .chain(filler)
                        .chain(futures::stream::once(async { tail }))
                        .map(|bytes| Ok::<_, Infallible>(Frame::data(bytes)));
                    let mut response = Response::builder()
                        .status(StatusCode::OK)
                        .header(CONTENT_TYPE, XML);
                    if content_length {
                        response = response.header(CONTENT_LENGTH, length);
                    }
                    return response
                        .body(BodyExt::boxed(StreamBody::new(frames)))
                        .unwrap();
                }
                Reply::Trickle { body, every } => {
                    let length = body.len();
                    let bytes = futures::stream::unfold(0, move |at| {
                        let body = body.clone();
                        async move {
                            if at == body.len() {
                                return None;
                            }
                            tokio::time::sleep(every).await;
                            Some((body.slice(at..at + 1), at + 1))
                        }
                    });
                    let frames =
                        futures::StreamExt::map(bytes, |b| Ok::<_, Infallible>(Frame::data(b)));
                    return Response::builder()
                        .status(StatusCode::OK)
                        .header(CONTENT_TYPE, XML)
                        .header(CONTENT_LENGTH, length)
                        .body(StreamBody::new(frames).boxed())
                        .unwrap();
                }
                Reply::Status(code) => {
                    return Response::builder()
                        .status(code)
                        .header(CONTENT_TYPE, "text/html")
                        .body(Full::new(Bytes::from(format!("<h1>{code}</h1>"))).boxed())
                        .unwrap();
                }
                Reply::Redirect(location) => {
                    return Response::builder()
                        .status(StatusCode::FOUND)
                        .header(LOCATION, location)
                        .body(Empty::new().boxed())
                        .unwrap();
                }
                Reply::Body {
                    body,
                    content_type,
                    content_length,
                } => {
                    let mut response = Response::builder().status(StatusCode::OK);
                    if let Some(content_type) = content_type {
                        response = response.header(CONTENT_TYPE, content_type);
                    }
                    let body = if content_length {
                        Full::new(body).boxed()
                    } else {
                        let chunks: Vec<Result<Frame<Bytes>, Infallible>> = body
                            .chunks(16 * 1024)
                            .map(|c| Ok(Frame::data(Bytes::copy_from_slice(c))))
                            .collect();
                        StreamBody::new(futures::stream::iter(chunks)).boxed()
                    };
                    return response.body(body).unwrap();
                }
            }
        }
    }
}

fn key(scheme: &str, host: &str, port: Option<u16>, path: &str) -> String {
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    format!("{scheme}://{host}{port}{path}")
}

/// Serves `listener` until the runtime shuts down: HTTPS when `tls` is given, else plain HTTP.
pub async fn serve(listener: TcpListener, tls: Option<TlsAcceptor>, web: Arc<Web>) {
    let port = listener.local_addr().expect("bound").port();
    serve_as(port, listener, tls, web).await;
}

/// [`serve`] on a listener that stands in for `port` (the port the clients' URLs name).
pub async fn serve_as(port: u16, listener: TcpListener, tls: Option<TlsAcceptor>, web: Arc<Web>) {
    let scheme = if tls.is_some() { "https" } else { "http" };
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let web = Arc::clone(&web);
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let web = Arc::clone(&web);
                async move { Ok::<_, Infallible>(web.respond(scheme, port, request).await) }
            });
            let http = http1::Builder::new();
            match tls {
                Some(acceptor) => {
                    // A client that rejects the certificate ends the handshake: nothing to serve.
                    if let Ok(stream) = acceptor.accept(tcp).await {
                        let _ = http.serve_connection(TokioIo::new(stream), service).await;
                    }
                }
                None => {
                    let _ = http.serve_connection(TokioIo::new(tcp), service).await;
                }
            }
        });
    }
}
