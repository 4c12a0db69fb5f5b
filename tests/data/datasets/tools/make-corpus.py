#!/usr/bin/env python3
"""Writes the dataset corpus: valid/*.jsonl (one file per format) and invalid/<Code>.jsonl
(each breaks exactly one rule on a known line) plus invalid/cases.json, which the xunit tests read.
Run from anywhere: python3 make-corpus.py"""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))
VALID = os.path.join(HERE, "..", "valid")
INVALID = os.path.join(HERE, "..", "invalid")

TOPICS = ["Paris", "Lisbon", "Oslo", "Nairobi", "Lima", "Hanoi", "Ottawa", "Canberra", "Cairo", "Seoul",
          "Bogotá", "Reykjavík", "東京", "Zürich", "Kraków"]

def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))

def chat(i):
    city = TOPICS[i % len(TOPICS)]
    return {"messages": [
        {"role": "system", "content": "Marv is a factual chatbot that is also sarcastic."},
        {"role": "user", "content": f"Tell me one thing about {city} (question {i})."},
        {"role": "assistant", "content": f"{city}? Fine. It has people, streets and, shockingly, weather. Fact #{i}."}]}

def prompt_completion(i):
    city = TOPICS[i % len(TOPICS)]
    return {"prompt": f"Describe {city} in one line ({i}) ->", "completion": f" {city} is a city worth visiting, reason {i}.\n"}

def preference(i):
    city = TOPICS[i % len(TOPICS)]
    return {"input": {"messages": [{"role": "user", "content": f"What is {city} known for? ({i})"}], "tools": [], "parallel_tool_calls": True},
            "preferred_output": [{"role": "assistant", "content": f"{city} is known for its history and food ({i})."}],
            "non_preferred_output": [{"role": "assistant", "content": f"No idea about {city}."}]}

def reinforcement(i):
    a, b = 17 + i, 29 * (i + 1)
    return {"messages": [{"role": "developer", "content": "Answer with the number only."},
                         {"role": "user", "content": f"What is {a} + {b}?"}],
            "reference_answer": str(a + b), "difficulty": "easy" if i % 2 else "medium"}

def multimodal(i):
    detail = ["low", "high", "auto"][i % 3]
    return {"messages": [
        {"role": "system", "content": [{"type": "text", "text": "You describe images briefly."}]},
        {"role": "user", "content": [
            {"type": "text", "text": f"What is in picture {i}?"},
            {"type": "image_url", "image_url": {"url": f"https://example.com/images/{i}.png", "detail": detail}}]},
        {"role": "assistant", "content": f"Picture {i} shows a {['cat', 'dog', 'bridge', 'tree'][i % 4]}."}]}

TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Current weather of a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]

def tools(i):
    city = TOPICS[i % len(TOPICS)]
    call_id = f"call_{i:04d}"
    return {"messages": [
        {"role": "user", "content": f"Weather in {city}? ({i})"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": "get_weather", "arguments": json.dumps({"city": city})}}]},
        {"role": "tool", "tool_call_id": call_id, "content": json.dumps({"temperature_c": 10 + i})},
        {"role": "assistant", "content": f"It is {10 + i} °C in {city}.", "weight": 1},
        {"role": "user", "content": "Thanks!"},
        {"role": "assistant", "content": "You're welcome.", "weight": 0 if i % 2 else 1}],
        "tools": TOOLS, "parallel_tool_calls": False}

def write(path, lines, raw=None):
    with open(path, "wb") as f:
        if raw is not None:
            f.write(raw)
        else:
            f.write(("\n".join(lines) + "\n").encode("utf-8"))

def main():
    valid = {"chat": chat, "prompt-completion": prompt_completion, "preference": preference,
             "reinforcement": reinforcement, "multimodal": multimodal, "tools": tools}
    for name, gen in valid.items():
        write(os.path.join(VALID, name + ".jsonl"), [dumps(gen(i)) for i in range(12)])

    cases = []
    def case(code, line, lines=None, raw=None, severity="Error", **extra):
        write(os.path.join(INVALID, code + ".jsonl"), lines, raw)
        c = {"file": code + ".jsonl", "code": code, "line": line, "severity": severity}
        c.update(extra)
        cases.append(c)

    base = lambda n=12: [dumps(chat(i)) for i in range(n)]
    def with_line(n, obj_or_text, gen=chat, count=12):
        lines = [dumps(gen(i)) for i in range(count)]
        lines[n - 1] = obj_or_text if isinstance(obj_or_text, str) else dumps(obj_or_text)
        return lines
    def chat_with(i, mutate):
        e = chat(i); mutate(e); return e

    # encoding and framing
    body = "\n".join(base()).encode("utf-8") + b"\n"
    lines = base(); raw = ("\n".join(lines[:2]) + "\n").encode() + lines[2].encode().replace(b"question", b"qu\xffestion") + ("\n" + "\n".join(lines[3:]) + "\n").encode()
    col = lines[2].encode().index(b"question") + 3
    case("NotUtf8", 3, raw=raw, column=col)
    case("ByteOrderMark", 1, raw=b"\xef\xbb\xbf" + body)
    l = base(); l.insert(4, "   "); case("BlankLine", 5, l)
    bad = dumps(chat(3))[:-1]  # truncated object
    case("InvalidJson", 4, with_line(4, bad), column=len(bad.encode("utf-8")) + 1)
    case("NotAnObject", 6, with_line(6, dumps([chat(5)])))
    case("MissingMessages", 2, with_line(2, {"conversation": chat(1)["messages"]}))
    case("EmptyMessages", 7, with_line(7, {"messages": []}), path="messages")
    case("InvalidMessage", 3, with_line(3, chat_with(2, lambda e: e["messages"].insert(1, "hello"))), path="messages[1]")
    case("MissingRole", 3, with_line(3, chat_with(2, lambda e: e["messages"][1].pop("role"))), path="messages[1]")
    case("UnknownRole", 4, with_line(4, chat_with(3, lambda e: e["messages"][0].update(role="narrator"))), path="messages[0].role")
    case("MissingContent", 8, with_line(8, chat_with(7, lambda e: e["messages"][2].pop("content"))), path="messages[2]")
    case("EmptyContent", 2, with_line(2, chat_with(1, lambda e: e["messages"][2].update(content=""))), severity="Warning", path="messages[2].content")
    case("InvalidContentType", 5, with_line(5, chat_with(4, lambda e: e["messages"][1].update(content=[{"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}}]))), path="messages[1].content[0].type")
    case("InvalidFieldType", 3, with_line(3, chat_with(2, lambda e: e["messages"][1].update(name=42))), path="messages[1].name")
    mm = [dumps(multimodal(i)) for i in range(12)]
    e = multimodal(6); e["messages"][1]["content"] += [{"type": "image_url", "image_url": {"url": f"https://example.com/more/{k}.png"}} for k in range(10)]
    mm[6] = dumps(e)
    case("TooManyImages", 7, mm, path="messages")
    case("UnrecognizedKey", 9, with_line(9, chat_with(8, lambda e: e["messages"][2].update(score=0.5))), path="messages[2].score")
    case("NoAssistantMessage", 10, with_line(10, chat_with(9, lambda e: e["messages"].pop())), path="messages", method="Supervised")
    case("NothingToTrain", 6, with_line(6, chat_with(5, lambda e: e["messages"][2].update(weight=0))), severity="Warning", path="messages")
    case("InvalidWeight", 3, with_line(3, chat_with(2, lambda e: e["messages"][2].update(weight=0.5))), path="messages[2].weight")
    def bad_call(e):
        e["messages"][2] = {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}
    case("InvalidToolCall", 4, with_line(4, chat_with(3, bad_call)), path="messages[2].tool_calls[0].function.arguments")
    def bad_fn(e):
        e["messages"][2] = {"role": "assistant", "function_call": {"name": "get_weather", "arguments": "{city: Paris"}}
    case("InvalidFunctionCall", 6, with_line(6, chat_with(5, bad_fn)), path="messages[2].function_call.arguments")
    def bad_tool(e):
        e["tools"] = [{"type": "function", "function": {"description": "no name"}}]
    case("InvalidTool", 2, with_line(2, chat_with(1, bad_tool)), path="tools[0].function.name")
    pcs = [dumps(prompt_completion(i)) for i in range(12)]; pcs[4] = dumps({"prompt": "Only a prompt ->"})
    case("InvalidPromptCompletion", 5, pcs, path="completion", model="davinci-002")
    def pref_with(n, mutate, code, **extra):
        lines = [dumps(preference(i)) for i in range(12)]
        e = preference(n - 1); mutate(e); lines[n - 1] = dumps(e)
        case(code, n, lines, method="Dpo", **extra)
    pref_with(3, lambda e: e.update(input=[{"role": "user", "content": "hi"}]), "InvalidPreferenceInput", path="input")
    pref_with(5, lambda e: e.pop("preferred_output"), "MissingPreferredOutput", path="preferred_output")
    pref_with(7, lambda e: e.update(non_preferred_output=[{"role": "user", "content": "not an answer"}]), "MissingNonPreferredOutput", path="non_preferred_output[0]")
    rft = [dumps(reinforcement(i)) for i in range(12)]; rft[3] = dumps({"reference_answer": "42"})
    case("ReinforcementMissingMessages", 4, rft, method="Reinforcement")
    rft = [dumps(reinforcement(i)) for i in range(12)]
    e = reinforcement(8); e["messages"].append({"role": "assistant", "content": "61"}); rft[8] = dumps(e)
    case("LastMessageNotUser", 9, rft, severity="Warning", method="Reinforcement", path="messages[2]")
    case("MixedFormats", 11, with_line(11, prompt_completion(10)))
    case("TooFewExamples", 0, base(5))
    l = base(); l[7] = l[1]; case("DuplicateExample", 8, l, severity="Warning")
    long_text = " word" * 70000
    case("OverTokenLimit", 3, with_line(3, chat_with(2, lambda e: e["messages"][1].update(content="Repeat after me:" + long_text))), severity="Warning", model="gpt-4o-mini-2024-07-18")
    case("FormatDoesNotFitMethod", 1, base(), method="Dpo")
    case("FormatDoesNotFitModel", 1, base(), model="babbage-002")
    case("EmptyFile", 0, raw=b"")
    l = base(); l[5] = dumps(chat_with(5, lambda e: e["messages"][1].update(content="x" * 5000)))
    case("LineTooLong", 6, l, maxLineBytes=1024)
    case("BinaryFile", 0, raw=b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8)

    with open(os.path.join(INVALID, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")

main()
