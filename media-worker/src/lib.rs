//! The WebRTC media worker for voice and video interviews. Empty until the live-interview
//! issue lands; the crate exists so that the workspace has its final shape.
