// The whole path in real Chromium (Debian's, driven by playwright-core):
// type a prompt, generate, open a song and see its verse highlighted, move
// a slider and regenerate, export, phone width, and an error state.
// Usage: node browser_test.mjs BASE_URL ARTIFACT_DIR
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const [base, artifacts] = process.argv.slice(2);
fs.mkdirSync(artifacts, { recursive: true });
let passed = 0, failed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
// The page's "Copy Spotify URIs" writes the clipboard; the test reads it back.
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(base).origin });
const page = await context.newPage();
page.setDefaultTimeout(20000);

await check("the page loads with example prompts and the map", async () => {
  await page.goto(base);
  assert((await page.locator("button.example").count()) >= 3, "no example prompts");
  await page.locator("#map-section:not([hidden])").waitFor();
});

await check("typing a prompt and pressing Enter makes a playlist", async () => {
  await page.fill("#prompt", "calm acoustic songs for studying");
  await page.press("#prompt", "Enter");
  await page.locator("#playlist li").first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll("#playlist li").length === 9);
  const whys = await page.locator(".why").allTextContents();
  assert(whys.every((w) => w.startsWith("Why: ") && w.length > 10), "a song without a reason");
  // The texts found by their lyrics are marked: there is nothing to play.
  const marked = await page.locator("#playlist li:has(.text-only)").count();
  const byVerse = whys.filter((w) => w.startsWith("Why: verse")).length;
  assert(marked > 0 && marked === byVerse, `${marked} marked as text only, ${byVerse} found by a verse`);
  await page.screenshot({ path: path.join(artifacts, "playlist.png"), fullPage: true });
});


await check("opening a song shows its lyrics with the matched verse highlighted in view", async () => {
  // The first song with a matched verse (its why-line starts with "verse").
  const rows = page.locator("#playlist li");
  const n = await rows.count();
  let opened = false;
  for (let i = 0; i < n && !opened; i++) {
    const why = await rows.nth(i).locator(".why").textContent();
    if (why.startsWith("Why: verse")) {
      await rows.nth(i).locator(".open-song").click();
      opened = true;
    }
  }
  assert(opened, "no song in the playlist was found by its lyrics");
  const mark = page.locator("#lyrics mark").first();
  await mark.waitFor();
  await page.waitForTimeout(600);  // smooth scrolling
  const visible = await mark.evaluate((m) => {
    const box = document.getElementById("lyrics").getBoundingClientRect(), r = m.getBoundingClientRect();
    return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  });
  assert(visible, "the highlighted verse is not scrolled into view");
  await page.screenshot({ path: path.join(artifacts, "song.png"), fullPage: true });
});

await check("only songs with a recording, when asked", async () => {
  await page.check("#recordings-only");
  await page.fill("#prompt", "calm acoustic songs for studying");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for/.test(document.getElementById("status").textContent));
  await page.waitForFunction(() => document.querySelectorAll("#playlist li").length === 9);
  assert((await page.locator(".text-only").count()) === 0, "a text without a recording is listed");
  await page.uncheck("#recordings-only");
});
await check("moving a slider and regenerating uses the new value", async () => {
  const slider = page.locator("#f-energy");
  await slider.waitFor();
  await slider.focus();
  for (let i = 0; i < 30; i++) await page.keyboard.press("ArrowRight");  // keyboard-usable
  const value = Number(await slider.inputValue());
  await page.click("#regenerate");
  await page.waitForFunction(
    () => document.querySelector("label[for=f-energy] .source")?.textContent === "user");
  const after = Number(await page.locator("#f-energy").inputValue());
  assert(Math.abs(after - value) < 1e-6, `energy ${after} is not the slider's ${value}`);
});

await check("export downloads XSPF, M3U8, JSON and the Spotify URIs", async () => {
  for (const [format, needle] of [["xspf", '<playlist version="1"'], ["m3u8", "#EXTM3U"], ["json", '"songs"'],
                                  ["spotify", "spotify:track:"]]) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(`button[data-format=${format}]`)]);
    const file = path.join(artifacts, `playlist.${format === "spotify" ? "txt" : format}`);
    await download.saveAs(file);
    assert(fs.readFileSync(file, "utf8").includes(needle), `${format} export lacks ${needle}`);
  }
});

await check("copy Spotify URIs puts the playlist's tracks on the clipboard", async () => {
  await page.click("#copy-spotify");
  await page.waitForFunction(() => /^Copied \d+ Spotify URIs/.test(document.getElementById("status").textContent));
  const lines = (await page.evaluate(() => navigator.clipboard.readText())).split("\n");
  assert(lines.length > 0 && lines.every((l) => /^spotify:track:[A-Za-z0-9]{22}$/.test(l)), `clipboard: ${lines.join(" | ")}`);
  const saved = fs.readFileSync(path.join(artifacts, "playlist.txt"), "utf8").trim().split("\n");
  assert(JSON.stringify(saved) === JSON.stringify(lines), "the copied URIs differ from the Spotify URIs download");
});

await check("a slow answer to an older request does not replace a newer playlist", async () => {
  // Hold back the answer to the first of two quick clicks.
  let first = true;
  await page.route("**/api/playlist", async (route) => {
    if (first) {
      first = false;
      await new Promise((r) => setTimeout(r, 1500));
    }
    await route.continue();
  });
  await page.click("button.example >> text=cowboys on the range");
  await page.click("button.example >> text=Christmas night");
  await page.waitForFunction(() => /songs for “Christmas night”/.test(document.getElementById("status").textContent));
  await page.waitForTimeout(2000);  // the held-back answer has arrived by now
  await page.unroute("**/api/playlist");
  const status = await page.textContent("#status");
  assert(/Christmas night/.test(status), `the older answer won: ${status}`);
});

await check("more like this starts a new playlist from a song", async () => {
  const before = await page.inputValue("#prompt");
  await page.locator("#playlist li .more").first().click();
  await page.waitForFunction((old) => document.getElementById("prompt").value !== old, before);
  await page.waitForFunction(() => /songs for/.test(document.getElementById("status").textContent));
  // The lyrics panel shows a song of this playlist (marked as open), or none.
  const panel = await page.evaluate(() => ({
    hidden: document.getElementById("song").hidden,
    shown: document.getElementById("song-name").textContent,
    pressed: [...document.querySelectorAll(".open-song[aria-pressed=true]")].map((b) => b.textContent),
  }));
  assert(panel.hidden || (panel.pressed.length === 1 && panel.pressed[0] === panel.shown),
         `lyrics of "${panel.shown}" shown beside a playlist that marks ${JSON.stringify(panel.pressed)}`);
});

await check("an impossible request shows an error", async () => {
  await page.selectOption("#by", "lyrics");
  await page.fill("#prompt", "zzqxv qqxvz");
  await page.click("#generate");
  await page.locator("#status.error").waitFor();
  const text = await page.textContent("#status");
  assert(/none of the prompt's words/.test(text), `unexpected error text: ${text}`);
});

await check("phone width: no sideways scrolling", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.selectOption("#by", "both");
  await page.fill("#prompt", "Christmas night");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for/.test(document.getElementById("status").textContent));
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: path.join(artifacts, "phone.png"), fullPage: true });
  assert(wide <= 390, `page is ${wide}px wide`);
});

await check("a catalog without audio features offers only lyrics", async () => {
  const lyricsOnly = await context.newPage();
  // The page asks /api/engine which signals the catalog has; answer as a lyrics-only one would.
  await lyricsOnly.route("**/api/engine", async (route) => {
    const engine = await (await route.fetch()).json();
    const signals = engine.signals.map((s) => ({ ...s, available: s.name === "lyrics" }));
    await route.fulfill({ json: { ...engine, signals, predictor: null } });
  });
  await lyricsOnly.goto(base);
  await lyricsOnly.waitForFunction(() => document.getElementById("by").options.length === 1);
  const options = await lyricsOnly.evaluate(() => [...document.getElementById("by").options].map((o) => o.value));
  assert(JSON.stringify(options) === '["lyrics"]', `signals offered: ${options}`);
  await lyricsOnly.close();
});

await check("keyboard only: Enter generates, Tab reaches a song, Enter opens it", async () => {
  const kb = await context.newPage();
  kb.setDefaultTimeout(20000);
  await kb.setViewportSize({ width: 1200, height: 900 });
  await kb.goto(base);
  await kb.focus("#prompt");
  await kb.keyboard.type("cowboys on the range");
  await kb.keyboard.press("Enter");
  await kb.waitForFunction(() => /songs for/.test(document.getElementById("status").textContent));
  // Walk the focus order from the prompt; every stop must be a real control.
  await kb.focus("#prompt");
  const order = [];
  for (let i = 0; i < 40; i++) {
    await kb.keyboard.press("Tab");
    const f = await kb.evaluate(() => {
      const e = document.activeElement;
      return { tag: e.tagName, id: e.id, cls: e.className, text: e.textContent.trim().slice(0, 40) };
    });
    order.push(f.id || f.cls || f.tag);
    assert(["INPUT", "SELECT", "BUTTON"].includes(f.tag), `focus stopped on a ${f.tag} (${JSON.stringify(f)})`);
    if (f.cls === "open-song") break;
  }
  const at = (name) => order.indexOf(name);
  assert(at("generate") >= 0 && at("generate") < at("open-song"), `focus order: ${order.join(" > ")}`);
  assert(at("example") > at("generate"), `examples come after Generate: ${order.join(" > ")}`);
  await kb.keyboard.press("Enter");
  await kb.locator("#song:not([hidden]) #lyrics .line").first().waitFor();
  await kb.close();
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
