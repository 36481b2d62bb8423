//! Upload tickets and intake statuses as the API returns them; content types for odd files.
import { describe, expect, it } from "vitest";
import { contentTypeOf, isSettled, MAX_RESUME_BYTES, resumeFileProblem, UploadTicket } from "./schema";

describe("UploadTicket", () => {
  it("parses a ticket and each intake state", () => {
    const upload = {
      id: "u1",
      file_name: "cv.pdf",
      content_type: "application/pdf",
      size: 10,
      vacancy_id: null,
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      status: { state: "pending" },
      candidate_id: null,
      error: null,
    };
    const t = UploadTicket.parse({
      upload,
      url: "/api/uploads/u1/content?token=x",
      method: "PUT",
      headers: { "Content-Type": "application/pdf" },
      expires_at: "2026-01-01T00:15:00Z",
    });
    expect(isSettled(t.upload.status)).toBe(false);
    const done = UploadTicket.shape.upload.parse({ ...upload, status: { state: "done", candidate_id: "c1", updated_existing: true } });
    expect(isSettled(done.status)).toBe(true);
    const failed = { state: "failed", code: "unreadable", message_ru: "не читается", message_en: "unreadable" };
    expect(isSettled(UploadTicket.shape.upload.parse({ ...upload, status: failed }).status)).toBe(true);
    expect(UploadTicket.shape.upload.safeParse({ ...upload, status: { state: "lost" } }).success).toBe(false);
  });
});

describe("contentTypeOf", () => {
  it("uses the browser's type, else guesses from the extension", () => {
    expect(contentTypeOf({ name: "a.pdf", type: "application/pdf" })).toBe("application/pdf");
    expect(contentTypeOf({ name: "notes.MD", type: "" })).toBe("text/markdown");
    expect(contentTypeOf({ name: "cv.docx", type: "" })).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect(contentTypeOf({ name: "blob", type: "" })).toBe("application/octet-stream");
  });
});

describe("resumeFileProblem", () => {
  it("accepts PDF, DOCX, TXT and MD up to 10 MB, whatever the case of the extension", () => {
    for (const name of ["cv.pdf", "Резюме.DOCX", "cv.txt", "notes.md"]) {
      expect(resumeFileProblem({ name, size: 1000 }), name).toBeNull();
    }
    expect(resumeFileProblem({ name: "cv.pdf", size: MAX_RESUME_BYTES })).toBeNull();
  });

  it("refuses other types, empty files and files over 10 MB", () => {
    expect(resumeFileProblem({ name: "photo.jpg", size: 1000 })).toBe("badType");
    expect(resumeFileProblem({ name: "cv.doc", size: 1000 })).toBe("badType");
    expect(resumeFileProblem({ name: "README", size: 1000 })).toBe("badType");
    expect(resumeFileProblem({ name: "cv.pdf", size: 0 })).toBe("emptyFile");
    expect(resumeFileProblem({ name: "cv.pdf", size: MAX_RESUME_BYTES + 1 })).toBe("tooBig");
  });
});
