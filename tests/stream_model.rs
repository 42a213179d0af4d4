//! A model-based test of the Rust -> `ReadableStream` bridge: thousands of
//! seeded random cases, each a scripted producer (items ready at once or
//! later, then an end, a failure or silence), a random high-water mark and a
//! random reader (`read()` with pauses, late starts and lock hand-overs,
//! `for await`, `pipeTo`, `tee`, `new Response`, cancel, abort), checked
//! against what the reference model says must be delivered:
//!
//! - every item, in order, exactly once, then the end or the failure, and
//!   the failure only after every item before it (nothing lost);
//! - never more than `max(mark, 1)` items produced ahead of the reads
//!   (backpressure), none before the first read with mark 0;
//! - cancel and abort drop the producer at once; an abort errors the
//!   stream with its reason; no poll after the end or a failure.
//!
//! A failing case prints its seed. Replay it alone with
//! `LOOPBRIDGE_MODEL_SEED=<seed> LOOPBRIDGE_MODEL_CASES=1 cargo test --target
//! wasm32-unknown-unknown --test stream_model`.

mod support;

use futures::future::{select, Either};
use futures::FutureExt;
use js_sys::{Array, Reflect};
use loopbridge::{into_readable_stream, StreamOptions};
use support::model::{base_seed, case_count, Ending, Rng, Script, Scripted};
use support::{get, read, settle, sleep};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{AbortController, ReadableStream, ReadableStreamDefaultReader};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
function outcome(chunks, error) { return { chunks, error }; }
// `for await` over the stream itself; over a reader where the engine cannot
// iterate a stream (WebKit).
async function* iterate(stream) {
  if (Symbol.asyncIterator in stream) { yield* stream; return; }
  const reader = stream.getReader();
  try {
    for (;;) { const { done, value } = await reader.read(); if (done) return; yield value; }
  } finally { reader.releaseLock(); }
}
export async function forAwaitAll(stream) {
  const chunks = [];
  try { for await (const chunk of iterate(stream)) chunks.push(chunk); } catch (error) { return outcome(chunks, error); }
  return outcome(chunks, undefined);
}
export async function pipeToAll(stream) {
  const chunks = [];
  try {
    await stream.pipeTo(new WritableStream({ write(chunk) { chunks.push(chunk); } }));
  } catch (error) { return outcome(chunks, error); }
  return outcome(chunks, undefined);
}
export function teeAll(stream) {
  const [left, right] = stream.tee();
  return Promise.all([forAwaitAll(left), forAwaitAll(right)]);
}
export async function responseAll(stream) {
  try {
    const text = await new Response(stream.pipeThrough(new TextEncoderStream())).text();
    return outcome([text], undefined);
  } catch (error) { return outcome([], error); }
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = forAwaitAll)]
    fn for_await_all(stream: &ReadableStream) -> js_sys::Promise;
    #[wasm_bindgen(js_name = pipeToAll)]
    fn pipe_to_all(stream: &ReadableStream) -> js_sys::Promise;
    #[wasm_bindgen(js_name = teeAll)]
    fn tee_all(stream: &ReadableStream) -> js_sys::Promise;
    #[wasm_bindgen(js_name = responseAll)]
    fn response_all(stream: &ReadableStream) -> js_sys::Promise;
}

/// How a case reads its stream.
#[derive(Debug, Clone, Copy)]
enum Reader {
    /// `reader.read()` one by one; `relock_after`: release the lock and take
    /// a new reader after that many reads; pauses of up to `pause_ms`.
    Read {
        late_ms: u32,
        pause_ms: u32,
        relock_after: Option<usize>,
    },
    ForAwait,
    PipeTo,
    Tee,
    Response,
}

/// What ends a `Read` case early.
#[derive(Debug, Clone, Copy)]
enum Stop {
    Never,
    CancelAfter(usize),
    AbortAfter(usize),
}

#[derive(Debug, Clone)]
struct Case {
    seed: u32,
    script: Script,
    mark: usize,
    reader: Reader,
    stop: Stop,
}

impl Case {
    fn random(seed: u32) -> Case {
        let mut rng = Rng::new(seed);
        let script = Script::random(&mut rng, 200);
        let mark = match rng.below(9) {
            0 => 0,
            1 => 1,
            2 => 2,
            3 => 16,
            4 => 1000,
            5 => StreamOptions::MAX_HIGH_WATER_MARK,
            _ => 1 + rng.below(40) as usize,
        };
        let items = script.items.len();
        let read = |rng: &mut Rng| Reader::Read {
            late_ms: if rng.chance(20) { 1 + rng.below(3) } else { 0 },
            pause_ms: if rng.chance(15) { 2 } else { 0 },
            relock_after: rng.chance(20).then(|| rng.below(items as u32 + 1) as usize),
        };
        let stop_after = |rng: &mut Rng| rng.below(items as u32 + 1) as usize;
        let (reader, stop) = if script.ending == Ending::Never {
            // Only a cancel or an abort ends a silent producer.
            let stop = if rng.chance(50) {
                Stop::CancelAfter(stop_after(&mut rng))
            } else {
                Stop::AbortAfter(stop_after(&mut rng))
            };
            (read(&mut rng), stop)
        } else {
            match rng.below(10) {
                0 => (Reader::ForAwait, Stop::Never),
                1 => (Reader::PipeTo, Stop::Never),
                2 => (Reader::Tee, Stop::Never),
                3 => (Reader::Response, Stop::Never),
                4 => (read(&mut rng), Stop::CancelAfter(stop_after(&mut rng))),
                5 => (read(&mut rng), Stop::AbortAfter(stop_after(&mut rng))),
                _ => (read(&mut rng), Stop::Never),
            }
        };
        Case {
            seed,
            script,
            mark,
            reader,
            stop,
        }
    }

    fn expected_chunks(&self, count: usize) -> Vec<String> {
        (0..count).map(Script::chunk).collect()
    }
}

fn message_of(error: &JsValue) -> String {
    Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// Checks a `{ chunks, error }` outcome against the script read to the end.
fn check_outcome(case: &Case, outcome: &JsValue, what: &str) -> Result<(), String> {
    let chunks: Vec<String> = Array::from(&get(outcome, "chunks"))
        .iter()
        .map(|chunk| chunk.as_string().unwrap_or_default())
        .collect();
    let error = get(outcome, "error");
    let items = case.script.items.len();
    let expected = case.expected_chunks(items);
    if let Reader::Response = case.reader {
        return match case.script.ending {
            Ending::End if chunks == vec![expected.concat()] => Ok(()),
            Ending::Fail if error.is_truthy() => Ok(()),
            _ => Err(format!("{what}: got {chunks:?} / {error:?}")),
        };
    }
    if chunks != expected {
        return Err(format!(
            "{what}: got {} chunks {:?}, expected {items}",
            chunks.len(),
            chunks.iter().take(5).collect::<Vec<_>>()
        ));
    }
    match case.script.ending {
        Ending::End if error.is_undefined() => Ok(()),
        Ending::Fail if message_of(&error) == case.script.failure_message() => Ok(()),
        _ => Err(format!(
            "{what}: after the chunks, got error {}",
            message_of(&error)
        )),
    }
}

async fn run(case: &Case) -> Result<(), String> {
    let (producer, log) = Scripted::new(case.script.clone());
    let abort = AbortController::new().unwrap();
    let options = StreamOptions {
        high_water_mark: case.mark,
        signal: Some(abort.signal()),
    };
    let stream = into_readable_stream(producer, options).map_err(|e| message_of(&e))?;
    let items = case.script.items.len();
    let ahead = case.mark.max(1);
    let full = |promise| async move { settle(promise).await.map_err(|e| message_of(&e)) };
    match case.reader {
        Reader::ForAwait => check_outcome(case, &full(for_await_all(&stream)).await?, "for await")?,
        Reader::PipeTo => check_outcome(case, &full(pipe_to_all(&stream)).await?, "pipeTo")?,
        Reader::Response => check_outcome(case, &full(response_all(&stream)).await?, "Response")?,
        Reader::Tee => {
            let both = Array::from(&full(tee_all(&stream)).await?);
            check_outcome(case, &both.get(0), "tee, first branch")?;
            check_outcome(case, &both.get(1), "tee, second branch")?;
        }
        Reader::Read {
            late_ms,
            pause_ms,
            relock_after,
        } => {
            if late_ms > 0 {
                sleep(late_ms).await;
                if case.mark == 0 && log.produced.get() > 0 {
                    return Err("mark 0: produced before any read".into());
                }
            }
            let mut reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
            let stop_at = match case.stop {
                Stop::Never => usize::MAX,
                Stop::CancelAfter(n) | Stop::AbortAfter(n) => n,
            };
            let mut reads = 0;
            loop {
                if reads == stop_at {
                    match case.stop {
                        Stop::CancelAfter(_) => {
                            let cancelled = reader.cancel();
                            if !log.dropped.get() {
                                return Err("cancel() did not drop the producer at once".into());
                            }
                            JsFuture::from(cancelled)
                                .await
                                .map_err(|e| message_of(&e))?;
                            if read(&reader).await != Ok(None) {
                                return Err("a cancelled stream did not read as done".into());
                            }
                        }
                        Stop::AbortAfter(_) => {
                            abort.abort_with_reason(&"stopped by the test".into());
                            if !log.dropped.get() {
                                return Err("abort did not drop the producer at once".into());
                            }
                            match read(&reader).await {
                                Err(reason) if reason == "stopped by the test" => {}
                                other => return Err(format!("after abort, read gave {other:?}")),
                            }
                        }
                        Stop::Never => {}
                    }
                    break;
                }
                if Some(reads) == relock_after {
                    reader.release_lock();
                    reader = stream.get_reader().unchecked_into();
                }
                if pause_ms > 0 && reads % 3 == 1 {
                    sleep(pause_ms).await;
                }
                match read(&reader).await {
                    Ok(Some(chunk)) => {
                        if reads >= items || chunk.as_string() != Some(Script::chunk(reads)) {
                            return Err(format!("read {reads} gave {chunk:?}"));
                        }
                        reads += 1;
                        if log.produced.get() > reads + ahead {
                            return Err(format!(
                                "{} items produced for {reads} reads with mark {}",
                                log.produced.get(),
                                case.mark
                            ));
                        }
                    }
                    Ok(None) => {
                        if reads != items || case.script.ending != Ending::End {
                            return Err(format!("done after {reads} of {items} reads"));
                        }
                        break;
                    }
                    Err(error) => {
                        if reads != items
                            || case.script.ending != Ending::Fail
                            || message_of(&error) != case.script.failure_message()
                        {
                            return Err(format!(
                                "error after {reads} of {items} reads: {}",
                                message_of(&error)
                            ));
                        }
                        break;
                    }
                }
            }
        }
    }
    if matches!(case.script.ending, Ending::End | Ending::Fail)
        && matches!(case.stop, Stop::Never)
        && !log.dropped.get()
    {
        return Err("the producer outlived its end".into());
    }
    if log.polled_after_ending.get() {
        return Err("the producer was polled after its end".into());
    }
    Ok(())
}

#[wasm_bindgen_test]
async fn every_reader_gets_every_item_in_order_then_the_ending_at_every_mark() {
    let base = base_seed(0x5eed_0001);
    let cases = case_count(1500);
    let mut failures = Vec::new();
    for i in 0..cases {
        // A macrotask between cases: timers, and the test driver's polls, run.
        loopbridge::yield_now().await;
        let case = Case::random(base.wrapping_add(i));
        let timeout = sleep(5000).map(|_| Err("hung for 5 s".to_string()));
        let outcome = match select(Box::pin(run(&case)), Box::pin(timeout)).await {
            Either::Left((outcome, _)) | Either::Right((outcome, _)) => outcome,
        };
        if let Err(what) = outcome {
            failures.push(format!(
                "seed {:#x}: {what}\n    mark {}, {:?}, {:?}, {} items then {:?} ({:?})",
                case.seed,
                case.mark,
                case.reader,
                case.stop,
                case.script.items.len(),
                case.script.ending,
                case.script.ending_ready
            ));
            if failures.len() >= 10 {
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases (of {cases}, base seed {base:#x}):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
