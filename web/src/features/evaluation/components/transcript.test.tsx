//! The transcript on the candidate's page says when a spoken answer began before the question
//! was over, and how much of the question had been heard.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { I18nProvider } from "@/lib/i18n";
import { InterviewState } from "../schema";
import { Transcript } from "./Transcript";

const text = (node: React.ReactNode) =>
  renderToStaticMarkup(<I18nProvider>{node}</I18nProvider>).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("the interview transcript", () => {
  const { turns } = InterviewState.parse({
    turns: [
      { number: 1, speaker: "interviewer", item: 0, text: "Спасибо. Расскажите, как вы тестируете код?", decision: null },
      { number: 2, speaker: "candidate", item: 0, text: "Пишу property-тесты", decision: null, heard: "Спасибо. Расскажите," },
      { number: 3, speaker: "interviewer", item: 1, text: "А как проходит ревью?", decision: null },
      { number: 4, speaker: "candidate", item: 1, text: "Двое согласующих", decision: null },
    ],
  });

  it("notes an answer begun before the question was over, with what had been heard", () => {
    const out = text(<Transcript applicationId="a1" turns={turns} highlighted={null} />);
    expect(out).toContain("Начал(а) отвечать, не дослушав вопрос; было слышно: «Спасибо. Расскажите,…»");
    expect(out.match(/не дослушав/g)).toHaveLength(1);
  });
});
