//! The domain's errors, with the words a user reads in Russian and English.

pub use crate::lang::Lang;
use crate::status::Status;
use std::fmt;

/// Why a value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    Required,
    TooLong { max: usize },
    OutOfRange { min: i64, max: i64 },
    Email,
    Phone,
    PasswordTooShort { min: usize },
    Unknown { allowed: &'static [&'static str] },
    EmptyFile,
}

impl Reason {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Reason::Required => lang.pick("обязательное поле не заполнено", "this field is required"),
            Reason::TooLong { max } => lang.pick(
                format!("слишком длинное значение (не более {max} символов)"),
                format!("too long (at most {max} characters)"),
            ),
            Reason::OutOfRange { min, max } => lang.pick(
                format!("значение должно быть от {min} до {max}"),
                format!("must be between {min} and {max}"),
            ),
            Reason::Email => lang.pick(
                "некорректный адрес электронной почты",
                "not a valid email address",
            ),
            Reason::Phone => lang.pick(
                "некорректный номер телефона: укажите его в международном формате, например +79161234567",
                "not a valid phone number: use the international format, e.g. +79161234567",
            ),
            Reason::PasswordTooShort { min } => lang.pick(
                format!("пароль слишком короткий (не менее {min} символов)"),
                format!("the password is too short (at least {min} characters)"),
            ),
            Reason::EmptyFile => lang.pick("файл пустой", "the file is empty"),
            Reason::Unknown { allowed } => lang.pick(
                format!("недопустимое значение; допустимы: {}", allowed.join(", ")),
                format!("unknown value; allowed: {}", allowed.join(", ")),
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("invalid {field}: {reason:?}")]
    Invalid { field: &'static str, reason: Reason },
    #[error("transition from {from} to {to} is not allowed")]
    InvalidTransition { from: Status, to: Status },
    #[error("a reason is required to reject")]
    ReasonRequired,
    #[error("forbidden: {0}")]
    Forbidden(Forbidden),
    #[error("the vacancy is closed")]
    VacancyClosed,
    #[error("the invite has expired")]
    InviteExpired,
    #[error("consent is required")]
    ConsentRequired,
}

/// What the caller tried that their role does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forbidden {
    AdminOnly,
    ManagerOnly,
    NotVacancyManager,
    FinalDecisionIsManagers,
    CandidateCannotDoThis,
}

impl fmt::Display for Forbidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message(Lang::En))
    }
}

impl Forbidden {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Forbidden::AdminOnly => lang.pick(
                "это может делать только администратор",
                "only an administrator can do this",
            ),
            Forbidden::ManagerOnly => lang.pick(
                "создавать, изменять и закрывать вакансии может только нанимающий менеджер",
                "only a hiring manager can create, edit and close vacancies",
            ),
            Forbidden::NotVacancyManager => lang.pick(
                "это может делать только менеджер этой вакансии",
                "only this vacancy's manager can do this",
            ),
            Forbidden::FinalDecisionIsManagers => lang.pick(
                "окончательное решение принимает менеджер вакансии",
                "the final decision belongs to the vacancy's manager",
            ),
            Forbidden::CandidateCannotDoThis => lang.pick(
                "кандидат не может выполнить это действие",
                "a candidate cannot do this",
            ),
        }
    }
}

impl DomainError {
    pub fn invalid(field: &'static str, reason: Reason) -> Self {
        DomainError::Invalid { field, reason }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            DomainError::Invalid { field, reason } => {
                format!("{field}: {}", reason.message(lang))
            }
            DomainError::InvalidTransition { from, to } => lang.pick(
                format!(
                    "нельзя перевести из статуса «{}» в статус «{}»",
                    from.label(Lang::Ru),
                    to.label(Lang::Ru)
                ),
                format!(
                    "cannot move from \"{}\" to \"{}\"",
                    from.label(Lang::En),
                    to.label(Lang::En)
                ),
            ),
            DomainError::ReasonRequired => lang.pick(
                "укажите причину отказа",
                "give a reason for the rejection",
            ),
            DomainError::Forbidden(f) => f.message(lang),
            DomainError::VacancyClosed => lang.pick(
                "вакансия закрыта",
                "the vacancy is closed",
            ),
            DomainError::InviteExpired => lang.pick(
                "срок действия ссылки истёк",
                "this link has expired",
            ),
            DomainError::ConsentRequired => lang.pick(
                "нужно дать согласие на обработку данных",
                "consent is required",
            ),
        }
    }

    /// The field the error is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DomainError::Invalid { field, .. } => Some(field),
            DomainError::ReasonRequired => Some("reason"),
            DomainError::ConsentRequired => Some("consent"),
            _ => None,
        }
    }
}
