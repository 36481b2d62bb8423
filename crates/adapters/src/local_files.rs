//! The file store on the local disk: `blobs/<key>` holds the bytes, `types/<key>` the content
//! type. Writes go to a temporary file first and are renamed into place, so a reader never
//! sees half a file.

use async_trait::async_trait;
use bytes::Bytes;
use otbor_domain::ports::{FileKey, FileStore, StoreError, StoreResult, StoredFile};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

pub struct LocalFiles {
    root: PathBuf,
}

impl LocalFiles {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn blob(&self, key: &FileKey) -> PathBuf {
        self.root.join("blobs").join(key.as_str())
    }

    fn kind(&self, key: &FileKey) -> PathBuf {
        self.root.join("types").join(key.as_str())
    }
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::backend(e)
}

async fn write_atomically(path: &Path, body: &[u8]) -> StoreResult<()> {
    let dir = path.parent().ok_or_else(|| StoreError::backend("a file key has no parent directory"))?;
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let tmp = dir.join(format!(".tmp-{}", uuid::Uuid::new_v4()));
    tokio::fs::write(&tmp, body).await.map_err(io)?;
    tokio::fs::rename(&tmp, path).await.map_err(io)
}

#[async_trait]
impl FileStore for LocalFiles {
    async fn put(&self, key: &FileKey, body: Bytes, content_type: &str) -> StoreResult<()> {
        write_atomically(&self.kind(key), content_type.as_bytes()).await?;
        write_atomically(&self.blob(key), &body).await
    }

    async fn get(&self, key: &FileKey) -> StoreResult<StoredFile> {
        let body = match tokio::fs::read(self.blob(key)).await {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return Err(StoreError::NotFound),
            Err(e) => return Err(io(e)),
        };
        let content_type = tokio::fs::read_to_string(self.kind(key))
            .await
            .unwrap_or_else(|_| "application/octet-stream".into());
        Ok(StoredFile { body: Bytes::from(body), content_type })
    }

    async fn size(&self, key: &FileKey) -> StoreResult<Option<u64>> {
        match tokio::fs::metadata(self.blob(key)).await {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    fn local_path(&self, key: &FileKey) -> Option<PathBuf> {
        Some(self.blob(key))
    }

    async fn delete(&self, key: &FileKey) -> StoreResult<()> {
        for p in [self.blob(key), self.kind(key)] {
            match tokio::fs::remove_file(p).await {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            }
        }
        Ok(())
    }
}
