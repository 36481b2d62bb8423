//! The one error type of text extraction, with stable codes that the API and the web app show.

use serde::{Deserialize, Serialize};

/// Why a file could not be turned into text. `code()` is stable (it is stored with the upload
/// and matched by the web app); `message()` is for people, in Russian or English.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum ExtractError {
    #[error("the file is empty")]
    EmptyFile,
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the file type is not allowed ({what})")]
    DisallowedFileType { what: String },
    #[error("unsupported format")]
    UnsupportedFormat,
    #[error("the file is not a PDF")]
    NotAPdf,
    #[error("the PDF is damaged: {reason}")]
    CorruptPdf { reason: String },
    #[error("the PDF is protected by a password")]
    PasswordProtected,
    #[error("the PDF has {pages} pages, more than {limit}")]
    TooManyPages { pages: u32, limit: u32 },
    #[error("the PDF has no text layer")]
    NoTextLayer,
    #[error("the DOCX is damaged: {reason}")]
    CorruptDocx { reason: String },
    #[error("the archive inflates beyond {limit} bytes")]
    ArchiveTooLarge { limit: u64 },
    #[error("the text encoding is not recognised")]
    UnknownEncoding,
    #[error("extraction took longer than {seconds} s")]
    Timeout { seconds: u64 },
    #[error("the extractor crashed: {reason}")]
    Crashed { reason: String },
}

impl ExtractError {
    /// The stable, machine-readable code (snake_case), the same as the serde tag.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyFile => "empty_file",
            Self::TooLarge { .. } => "too_large",
            Self::DisallowedFileType { .. } => "disallowed_file_type",
            Self::UnsupportedFormat => "unsupported_format",
            Self::NotAPdf => "not_a_pdf",
            Self::CorruptPdf { .. } => "corrupt_pdf",
            Self::PasswordProtected => "password_protected",
            Self::TooManyPages { .. } => "too_many_pages",
            Self::NoTextLayer => "no_text_layer",
            Self::CorruptDocx { .. } => "corrupt_docx",
            Self::ArchiveTooLarge { .. } => "archive_too_large",
            Self::UnknownEncoding => "unknown_encoding",
            Self::Timeout { .. } => "timeout",
            Self::Crashed { .. } => "crashed",
        }
    }

    /// A message a recruiter understands, saying what to do next.
    pub fn message(&self, lang: otbor_domain::Lang) -> String {
        use otbor_domain::Lang::{En, Ru};
        match (self, lang) {
            (Self::EmptyFile, Ru) => "Файл пустой. Загрузите резюме ещё раз.".into(),
            (Self::EmptyFile, En) => "The file is empty. Please upload the resume again.".into(),
            (Self::TooLarge { limit }, Ru) => format!("Файл больше {} МБ.", limit / 1_000_000),
            (Self::TooLarge { limit }, En) => format!("The file is larger than {} MB.", limit / 1_000_000),
            (Self::DisallowedFileType { .. }, Ru) => "Недопустимый тип файла: это не документ (PDF, DOCX или TXT).".into(),
            (Self::DisallowedFileType { .. }, En) => "File type not allowed: this is not a document (PDF, DOCX or TXT).".into(),
            (Self::UnsupportedFormat, Ru) => "Формат не поддерживается. Загрузите PDF, DOCX или TXT.".into(),
            (Self::UnsupportedFormat, En) => "Unsupported format. Please upload a PDF, DOCX or TXT file.".into(),
            (Self::NotAPdf, Ru) => "Файл не является PDF, хотя назван так.".into(),
            (Self::NotAPdf, En) => "The file is not a PDF, although it is named like one.".into(),
            (Self::CorruptPdf { .. }, Ru) => "PDF повреждён или загружен не полностью.".into(),
            (Self::CorruptPdf { .. }, En) => "The PDF is damaged or incomplete.".into(),
            (Self::PasswordProtected, Ru) => "PDF защищён паролем. Загрузите файл без пароля.".into(),
            (Self::PasswordProtected, En) => "The PDF is password-protected. Please upload an unprotected file.".into(),
            (Self::TooManyPages { pages, limit }, Ru) => format!("В PDF {pages} страниц, допустимо не более {limit}."),
            (Self::TooManyPages { pages, limit }, En) => format!("The PDF has {pages} pages; at most {limit} are accepted."),
            (Self::NoTextLayer, Ru) => "В PDF нет текстового слоя (скан). Загрузите текстовый PDF или DOCX.".into(),
            (Self::NoTextLayer, En) => "The PDF has no text layer (a scan). Please upload a text PDF or a DOCX.".into(),
            (Self::CorruptDocx { .. }, Ru) => "DOCX повреждён или это не DOCX.".into(),
            (Self::CorruptDocx { .. }, En) => "The DOCX is damaged or not a DOCX at all.".into(),
            (Self::ArchiveTooLarge { .. }, Ru) => "Архив DOCX распаковывается в слишком большой объём.".into(),
            (Self::ArchiveTooLarge { .. }, En) => "The DOCX archive inflates to an unreasonable size.".into(),
            (Self::UnknownEncoding, Ru) => "Не удалось определить кодировку текста.".into(),
            (Self::UnknownEncoding, En) => "The text encoding could not be recognised.".into(),
            (Self::Timeout { .. }, Ru) => "Разбор файла занял слишком много времени.".into(),
            (Self::Timeout { .. }, En) => "Reading the file took too long.".into(),
            (Self::Crashed { .. }, Ru) => "Файл не удалось прочитать: разбор аварийно завершился.".into(),
            (Self::Crashed { .. }, En) => "The file could not be read: the parser crashed.".into(),
        }
    }

    /// Whether trying again later might help (a timeout under load); everything else is
    /// a property of the file.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }
}
