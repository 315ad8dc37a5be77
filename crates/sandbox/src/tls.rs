//! HTTPS for the sandbox with a freshly made self-signed certificate, so
//! clients can be tested against TLS: refused by default, trusted with the
//! certificate given as `caFile`.

use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// A self-signed certificate for `127.0.0.1` and `localhost`: (cert PEM, acceptor).
pub fn self_signed() -> std::io::Result<(String, TlsAcceptor)> {
    let err = |e: String| std::io::Error::other(e);
    let key = rcgen::KeyPair::generate().map_err(|e| err(e.to_string()))?;
    let params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .map_err(|e| err(e.to_string()))?;
    let cert = params.self_signed(&key).map_err(|e| err(e.to_string()))?;
    let pem = cert.pem();
    let der_key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| err(e.to_string()))?
    .with_no_client_auth()
    .with_single_cert(vec![cert.der().clone()], der_key)
    .map_err(|e| err(e.to_string()))?;
    Ok((pem, TlsAcceptor::from(Arc::new(config))))
}

/// Serves `app` over TLS on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, app: Router, acceptor: TlsAcceptor) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            // A client that rejects our certificate ends the handshake: nothing to serve.
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let svc = hyper_util::service::TowerToHyperService::new(app);
            let _ =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new())
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), svc)
                    .await;
        });
    }
}
