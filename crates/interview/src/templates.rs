//! Question templates in Russian and English, several per kind of question; the variant is
//! chosen by a stable hash of the item and the kind, so the same interview reads the same
//! every time. The requirement is mentioned as the vacancy states it.

use crate::plan::{PlanItem, RequirementClass, Topic};
use crate::text::stable_hash;
use otbor_domain::Lang;

/// What the question is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Ask,
    FollowUp,
    /// Re-ask after a deflection or an empty answer.
    ReAsk,
    Rephrase,
    Probe,
    Close,
}

fn pick<'a>(variants: &[&'a str], item: &PlanItem, purpose: Purpose) -> &'a str {
    let h = stable_hash(&[&item.label, &format!("{:?}{:?}", item.topic, purpose)]);
    variants[(h % variants.len() as u64) as usize]
}

/// The requirement as it reads inside a sentence: without a trailing full stop.
fn req(item: &PlanItem) -> String {
    item.label.trim().trim_end_matches(['.', ';']).to_string()
}

/// The question text for `item` and `purpose`; `fact` is the resume fact a probe asks about.
pub fn question(lang: Lang, item: &PlanItem, purpose: Purpose, fact: Option<&str>) -> String {
    let ru = lang == Lang::Ru;
    let r = req(item);
    let t = |variants: &[&str]| pick(variants, item, purpose).replace("{req}", &r).replace("{fact}", fact.unwrap_or("").trim_end_matches('.'));
    match (purpose, item.topic) {
        (Purpose::Close, _) | (Purpose::Ask, Topic::Closing) => {
            if ru {
                t(&[
                    "Спасибо, у меня всё. Какие у вас есть вопросы о компании, команде или работе? Дальше рекрутер изучит интервью и вернётся к вам с ответом.",
                    "Спасибо за ответы! Что вы хотели бы узнать о нас? После интервью рекрутер свяжется с вами и расскажет о следующих шагах.",
                ])
            } else {
                t(&[
                    "Thank you, that is all from me. What would you like to ask about the company, the team or the role? The recruiter will review the interview and get back to you.",
                    "Thanks for your answers! What questions do you have for us? After the interview the recruiter will contact you about the next steps.",
                ])
            }
        }
        (Purpose::Ask, Topic::Opening) => {
            if ru {
                t(&[
                    "Здравствуйте! Расскажите, пожалуйста, коротко о себе и о последнем проекте: чем вы занимались и за что отвечали лично?",
                    "Здравствуйте! Для начала расскажите о своём опыте и текущей работе: какие задачи вы решаете и какой результат за вами?",
                ])
            } else {
                t(&[
                    "Hello! Please tell me briefly about yourself and your latest project: what did you work on and what were you personally responsible for?",
                    "Hello! To start, tell me about your experience and your current role: what problems do you solve and what results are yours?",
                ])
            }
        }
        (Purpose::Ask, Topic::Motivation) => {
            if ru {
                t(&[
                    "Почему вам интересна эта вакансия и какие у вас ожидания — по задачам, формату работы и доходу?",
                    "Что вас привлекает в этой позиции и на какие условия вы рассчитываете?",
                ])
            } else {
                t(&[
                    "Why is this role interesting to you, and what are your expectations about the work, the format and the pay?",
                    "What attracts you to this position, and what conditions are you looking for?",
                ])
            }
        }
        (Purpose::Ask, _) => ask_requirement(ru, item, &t),
        (Purpose::FollowUp, _) => {
            if ru {
                t(&[
                    "Можете привести конкретный пример по теме «{req}»: что именно вы сделали сами, какими инструментами и с каким результатом (цифры, сроки)?",
                    "Давайте конкретнее: вспомните один случай, связанный с «{req}». Какая была задача, что сделали лично вы и чем всё закончилось?",
                    "Расскажите подробнее на одном примере: какая была ситуация, ваши действия и измеримый результат?",
                ])
            } else {
                t(&[
                    "Could you give a specific example about '{req}': what exactly did you do yourself, with which tools, and what was the result (numbers, time)?",
                    "Let's be concrete: think of one case involving '{req}'. What was the task, what did you personally do, and how did it end?",
                    "Please walk me through one example in more detail: the situation, your actions and a measurable result.",
                ])
            }
        }
        (Purpose::ReAsk, _) => {
            if ru {
                t(&[
                    "Понимаю. И всё же это важно для вакансии: расскажите, пожалуйста, хотя бы об одном своём опыте по теме «{req}», без конфиденциальных деталей.",
                    "Вернусь к вопросу, он важен для этой роли: что вы лично делали по теме «{req}»? Достаточно общего описания одного случая без секретов.",
                ])
            } else {
                t(&[
                    "I understand. Still, this matters for the role: please describe at least one experience of yours with '{req}', leaving out anything confidential.",
                    "Let me come back to the question, as it matters for this role: what did you personally do regarding '{req}'? One case without confidential details is enough.",
                ])
            }
        }
        (Purpose::Rephrase, _) => {
            if ru {
                t(&[
                    "Скажу иначе: приходилось ли вам на работе иметь дело с «{req}»? Если да — что это была за задача и что вы делали?",
                    "Попробую проще: был ли у вас рабочий опыт, связанный с «{req}»? Опишите один случай своими словами.",
                ])
            } else {
                t(&[
                    "Let me put it differently: have you dealt with '{req}' at work? If so, what was the task and what did you do?",
                    "Put simply: do you have work experience related to '{req}'? Describe one case in your own words.",
                ])
            }
        }
        (Purpose::Probe, _) => {
            if ru {
                t(&[
                    "Хочу уточнить: {fact}. Как это соотносится с вашим ответом? Расскажите, пожалуйста, где и когда это было и что именно вы делали.",
                    "Помогите сверить с резюме: {fact}. Расскажите, где и когда это было и в чём состояла ваша роль.",
                ])
            } else {
                t(&[
                    "Let me check this against the resume: {fact}. How does that fit with your answer? Please tell me where and when it was and what exactly you did.",
                    "Help me reconcile this with the resume: {fact}. Where and when was it, and what was your role?",
                ])
            }
        }
    }
}

fn ask_requirement(ru: bool, item: &PlanItem, t: &dyn Fn(&[&str]) -> String) -> String {
    match (item.class, item.topic) {
        (Some(RequirementClass::Experience), _) => {
            if ru {
                t(&[
                    "В вакансии указано: «{req}». Расскажите, где и сколько времени вы этим занимались и какая задача была самой сложной.",
                    "Для роли важно: «{req}». Опишите, пожалуйста, свой опыт по этому направлению: компании, сроки и ваши основные задачи.",
                ])
            } else {
                t(&[
                    "The vacancy asks for '{req}'. Tell me where and for how long you have done this, and what the hardest task was.",
                    "This role needs '{req}'. Please describe your experience in this area: companies, how long, and your main tasks.",
                ])
            }
        }
        (Some(RequirementClass::Location), _) => {
            if ru {
                t(&["Условие вакансии: «{req}». Подходит ли вам это? Если вы сейчас в другом городе — готовы ли к переезду и когда?"])
            } else {
                t(&["A condition of the role: '{req}'. Does that work for you? If you live elsewhere, are you ready to relocate, and when?"])
            }
        }
        (Some(RequirementClass::Language), _) => {
            if ru {
                t(&["Для вакансии нужно: «{req}». Как вы используете язык в работе — документация, встречи, переписка? Приведите пример."])
            } else {
                t(&["The role needs '{req}'. How do you use the language at work: documentation, meetings, correspondence? Give an example."])
            }
        }
        (Some(RequirementClass::Education), _) => {
            if ru {
                t(&["В требованиях: «{req}». Расскажите о своём образовании и о том, как оно пригодилось в работе."])
            } else {
                t(&["The requirements include '{req}'. Tell me about your education and how it has helped you at work."])
            }
        }
        (_, Topic::MustProven) => {
            if ru {
                t(&[
                    "В резюме у вас есть опыт по теме «{req}». Расскажите коротко о последней задаче с этим: что делали вы и какой получился результат?",
                    "Вижу в резюме «{req}». Приведите, пожалуйста, пример из последней работы: задача, ваши действия, итог.",
                ])
            } else {
                t(&[
                    "Your resume shows experience with '{req}'. Briefly, tell me about your latest task involving it: what you did and what came of it.",
                    "I see '{req}' in your resume. Please give an example from your recent work: the task, your actions, the outcome.",
                ])
            }
        }
        (_, Topic::NiceToHave) => {
            if ru {
                t(&[
                    "Плюсом для нас будет «{req}». Был ли у вас такой опыт? Если да — расскажите об одном примере.",
                    "Приходилось ли вам работать с «{req}»? Если да, опишите коротко, где и как.",
                ])
            } else {
                t(&[
                    "'{req}' would be a plus for us. Have you had such experience? If so, tell me about one example.",
                    "Have you worked with '{req}'? If so, briefly describe where and how.",
                ])
            }
        }
        _ => {
            if ru {
                t(&[
                    "Для этой роли важно: «{req}». Расскажите о конкретной задаче, где вы с этим работали: что делали лично вы и каков был результат?",
                    "Одно из ключевых требований — «{req}». Опишите случай из практики: ситуация, ваши действия, результат.",
                    "Как у вас обстоят дела с «{req}»? Приведите пример из работы: что за задача, как вы её решали и что получилось.",
                ])
            } else {
                t(&[
                    "This role needs '{req}'. Tell me about a specific task where you worked on it: what did you do yourself and what was the result?",
                    "One of the key requirements is '{req}'. Describe a case from your practice: the situation, your actions, the result.",
                    "How do you stand with '{req}'? Give an example from work: the task, how you approached it and what came of it.",
                ])
            }
        }
    }
}
