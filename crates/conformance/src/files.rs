//! The file-store checks.

use bytes::Bytes;
use otbor_domain::ports::{FileKey, FileStore, StoreError};
use std::sync::Arc;

fn key(s: &str) -> FileKey {
    FileKey::parse(s).expect("valid key")
}

pub async fn files_round_trip_with_their_content_type(files: Arc<dyn FileStore>) {
    let k = key("resumes/abc/Иванов.pdf".replace("Иванов", "ivanov").as_str());
    files.put(&k, Bytes::from_static(b"%PDF-1.4 hello"), "application/pdf").await.unwrap();
    let got = files.get(&k).await.unwrap();
    assert_eq!(got.body, Bytes::from_static(b"%PDF-1.4 hello"));
    assert_eq!(got.content_type, "application/pdf");
    assert_eq!(files.size(&k).await.unwrap(), Some(14));
}

pub async fn a_missing_file_is_not_found_and_delete_is_idempotent(files: Arc<dyn FileStore>) {
    let k = key("nope/missing.txt");
    assert!(matches!(files.get(&k).await, Err(StoreError::NotFound)));
    assert_eq!(files.size(&k).await.unwrap(), None);
    files.delete(&k).await.unwrap();
    files.put(&k, Bytes::from_static(b"x"), "text/plain").await.unwrap();
    files.delete(&k).await.unwrap();
    files.delete(&k).await.unwrap();
    assert!(matches!(files.get(&k).await, Err(StoreError::NotFound)));
}

pub async fn put_replaces_an_existing_file(files: Arc<dyn FileStore>) {
    let k = key("a/b/c.txt");
    files.put(&k, Bytes::from_static(b"first version"), "text/plain").await.unwrap();
    files.put(&k, Bytes::from_static(b"second"), "text/markdown").await.unwrap();
    let got = files.get(&k).await.unwrap();
    assert_eq!(got.body, Bytes::from_static(b"second"));
    assert_eq!(got.content_type, "text/markdown");
    assert_eq!(files.size(&k).await.unwrap(), Some(6));
}

pub async fn binary_and_empty_files_survive_unchanged(files: Arc<dyn FileStore>) {
    let bin: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let k = key("bin/all-bytes.bin");
    files.put(&k, Bytes::from(bin.clone()), "application/octet-stream").await.unwrap();
    assert_eq!(files.get(&k).await.unwrap().body.as_ref(), bin.as_slice());
    let e = key("bin/empty");
    files.put(&e, Bytes::new(), "text/plain").await.unwrap();
    assert_eq!(files.get(&e).await.unwrap().body.len(), 0);
    assert_eq!(files.size(&e).await.unwrap(), Some(0));
}

/// A store that offers presigned uploads accepts the declared file at the URL it hands out.
pub async fn a_presigned_put_if_offered_stores_the_file(files: Arc<dyn FileStore>) {
    let k = key("uploads/presigned/cv.txt");
    let body = "Резюме".as_bytes().to_vec();
    let Some(url) = files
        .presign_put(&k, "text/plain", body.len() as u64, std::time::Duration::from_secs(300))
        .await
        .unwrap()
    else {
        return;
    };
    let status = put_with_curl(&url, "text/plain", &body);
    assert!(status.starts_with('2'), "PUT to the presigned URL answered {status}");
    let got = files.get(&k).await.unwrap();
    assert_eq!(got.body.as_ref(), body.as_slice());
}

/// A store that offers presigned downloads serves the file, and a range of it, at the URL it
/// hands out, with the content type it was stored with.
pub async fn a_presigned_get_if_offered_serves_the_file_and_its_ranges(files: Arc<dyn FileStore>) {
    let k = key("recordings/a/b/recording.webm");
    let body: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    files.put(&k, Bytes::from(body.clone()), "video/webm").await.unwrap();
    let Some(url) = files.presign_get(&k, std::time::Duration::from_secs(300)).await.unwrap() else {
        return;
    };
    let (status, content_type, got) = get_with_curl(&url, None);
    assert_eq!((status.as_str(), content_type.as_str()), ("200", "video/webm"));
    assert_eq!(got, body);
    let (status, _, got) = get_with_curl(&url, Some("bytes=1000-1099"));
    assert_eq!(status, "206");
    assert_eq!(got, &body[1000..1100]);
}

/// A store on this machine's disk names the file that holds the bytes.
pub async fn a_local_path_if_offered_holds_the_file(files: Arc<dyn FileStore>) {
    let k = key("recordings/a/c/recording.webm");
    files.put(&k, Bytes::from_static(b"webm bytes"), "video/webm").await.unwrap();
    if let Some(path) = files.local_path(&k) {
        assert_eq!(std::fs::read(path).unwrap(), b"webm bytes");
    }
}

/// `GET`s with curl, as a browser would: the status code, the content type and the body.
fn get_with_curl(url: &str, range: Option<&str>) -> (String, String, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("otbor-presign-get-{}-{}", std::process::id(), uuid_like()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body");
    let mut cmd = std::process::Command::new("curl");
    cmd.args(["-s", "-o"]).arg(&file).args(["-w", "%{http_code} %{content_type}"]);
    if let Some(r) = range {
        cmd.arg("-H").arg(format!("Range: {r}"));
    }
    let out = cmd.arg(url).output().expect("curl");
    let written = String::from_utf8_lossy(&out.stdout).to_string();
    let (status, content_type) = written.split_once(' ').unwrap_or((written.as_str(), ""));
    let body = std::fs::read(&file).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    (status.to_string(), content_type.to_string(), body)
}

/// Apart for each call, so that checks running at once do not share a file.
fn uuid_like() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// `PUT`s with curl, as a browser would, returning the status code.
fn put_with_curl(url: &str, content_type: &str, body: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("otbor-presign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body");
    std::fs::write(&file, body).unwrap();
    let out = std::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-H"])
        .arg(format!("Content-Type: {content_type}"))
        .arg("--data-binary")
        .arg(format!("@{}", file.display()))
        .arg(url)
        .output()
        .expect("curl");
    String::from_utf8_lossy(&out.stdout).to_string()
}
