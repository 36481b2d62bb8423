//! Password hashing with argon2id on two threads of its own.
//!
//! Every argon2id run allocates its 19 MiB of memory; on the blocking pool each new thread
//! gets its own allocator arena that keeps that memory after the run, so a burst of wrong
//! logins grew the process by hundreds of megabytes and kept it (issue 17). Here at most
//! [`HASH_THREADS`] runs happen at once, always on the same threads, so the memory used for
//! hashing stays at about `HASH_THREADS` × 19 MiB whatever the load; callers beyond
//! [`MAX_WAITING`] are refused as busy instead of queueing without end.

use crate::error::{AppError, AppResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};

/// Threads that run argon2id.
pub const HASH_THREADS: usize = 2;
/// Requests waiting for a hashing thread beyond which new ones are refused as busy.
pub const MAX_WAITING: usize = 64;

type Job = Box<dyn FnOnce() + Send>;

/// A few threads that run argon2id, and the count of requests waiting for them.
struct Pool {
    jobs: Mutex<mpsc::Sender<Job>>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Pool {
    fn new(threads: usize, max_waiting: usize) -> Pool {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = std::sync::Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("otbor-argon2-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })
                .expect("starting a password-hashing thread");
        }
        Pool { jobs: Mutex::new(tx), waiting: AtomicUsize::new(0), max_waiting }
    }

    /// Runs `f` on a hashing thread; `Busy` when too many are already waiting.
    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Busy);
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        let sent = self.jobs.lock().map_err(|_| AppError::Internal(anyhow::anyhow!("the hashing pool is poisoned")))?.send(job);
        let out = match sent {
            Ok(()) => rx.await.map_err(|_| AppError::Internal(anyhow::anyhow!("a hashing thread stopped"))),
            Err(_) => Err(AppError::Internal(anyhow::anyhow!("the hashing pool is gone"))),
        };
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        out
    }
}

/// The process's hashing threads.
fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Pool::new(HASH_THREADS, MAX_WAITING))
}

async fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    pool().run(f).await
}

/// Hashes a password with argon2id (it takes tens of milliseconds).
pub async fn hash_password(password: String) -> AppResult<String> {
    run(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await?
    .map_err(AppError::Internal)
}

/// Whether `password` matches the stored `hash`.
pub async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    run(move || PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())).await
}

/// A hash to verify against when the email is unknown, so that a wrong email takes as long
/// as a wrong password.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3ySj0v0CqFdGlrXgcHpWNR0K8PjvSTl4ppGY4PD4dW0";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_another_does_not() {
        let hash = hash_password("correct horse".into()).await.unwrap();
        assert!(verify_password("correct horse".into(), hash.clone()).await.unwrap());
        assert!(!verify_password("wrong horse".into(), hash).await.unwrap());
        assert!(!verify_password("x".into(), "not a hash".into()).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn many_logins_at_once_run_on_the_pools_threads_and_the_rest_are_refused_as_busy() {
        // A pool of its own, so that the other tests' hashes do not count.
        let pool = std::sync::Arc::new(Pool::new(HASH_THREADS, 8));
        let verify = || PasswordHash::new(DUMMY_HASH).is_ok_and(|h| Argon2::default().verify_password(b"x", &h).is_ok());
        let calls: Vec<_> = (0..40)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move { pool.run(verify).await })
            })
            .collect();
        let mut busy = 0;
        let mut done = 0;
        for c in calls {
            match c.await.unwrap() {
                Ok(false) => done += 1,
                Err(AppError::Busy) => busy += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(done >= 8, "at least the queue's length is served: {done}");
        assert!(busy > 0, "beyond the queue, callers are refused as busy");
    }
}
