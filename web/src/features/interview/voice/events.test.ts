//! The data channel's messages: the known events are read, everything else is ignored.
import { describe, expect, it } from "vitest";
import { encodeClientEvent, parseServerEvent } from "./events";

describe("parseServerEvent", () => {
  it("reads every event the media worker sends", () => {
    expect(parseServerEvent('{"type":"state","state":"thinking"}')).toEqual({ type: "state", state: "thinking" });
    expect(parseServerEvent('{"type":"question","number":3,"text":"Расскажите о себе"}')).toEqual({
      type: "question",
      number: 3,
      text: "Расскажите о себе",
    });
    expect(parseServerEvent('{"type":"answer","number":4,"text":"Я тестировщик"}')).toMatchObject({ type: "answer", number: 4 });
    expect(parseServerEvent('{"type":"progress","done":2,"planned":7}')).toEqual({ type: "progress", done: 2, planned: 7 });
    expect(parseServerEvent('{"type":"notice","text":"Вы меня слышите?"}')).toEqual({ type: "notice", text: "Вы меня слышите?" });
    expect(parseServerEvent('{"type":"finished"}')).toEqual({ type: "finished" });
    expect(parseServerEvent('{"type":"closed","code":"taken_over","message":"Открыто в другой вкладке"}')).toEqual({
      type: "closed",
      code: "taken_over",
      message: "Открыто в другой вкладке",
    });
  });

  it("accepts a closed event without a message", () => {
    expect(parseServerEvent('{"type":"closed","code":"expired"}')).toEqual({ type: "closed", code: "expired", message: "" });
  });

  it("ignores unknown, malformed and non-text messages", () => {
    expect(parseServerEvent('{"type":"emotion","value":"happy"}')).toBeNull();
    expect(parseServerEvent('{"type":"state","state":"dancing"}')).toBeNull();
    expect(parseServerEvent('{"type":"question","number":"one","text":"x"}')).toBeNull();
    expect(parseServerEvent("not json")).toBeNull();
    expect(parseServerEvent("[1,2]")).toBeNull();
    expect(parseServerEvent("null")).toBeNull();
    expect(parseServerEvent(new ArrayBuffer(4))).toBeNull();
  });

  it("keeps extra fields out of the way of a known event", () => {
    expect(parseServerEvent('{"type":"state","state":"speaking","since":123}')).toEqual({ type: "state", state: "speaking" });
  });
});

describe("encodeClientEvent", () => {
  it("writes typed answers and the finish request as JSON", () => {
    expect(JSON.parse(encodeClientEvent({ type: "text", text: "Да" }))).toEqual({ type: "text", text: "Да" });
    expect(JSON.parse(encodeClientEvent({ type: "finish" }))).toEqual({ type: "finish" });
  });
});
