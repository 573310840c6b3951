// The whole path in real Chromium (Debian's, driven by playwright-core):
// type a prompt, generate, open a song and see its verse highlighted, move
// a slider and regenerate, export, phone width, and an error state.
// Usage: node browser_test.mjs BASE_URL ARTIFACT_DIR
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import { startFakeSpotify, routeSpotifyTo } from "./fake_spotify.mjs";

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

await check("a song the catalog holds under several ids says so", async () => {
  await page.fill("#prompt", "songs like Queen");
  const [reply] = await Promise.all([page.waitForResponse("**/api/playlist"), page.press("#prompt", "Enter")]);
  const playlist = await reply.json();
  await page.waitForFunction(() => /songs for “songs like Queen/.test(document.getElementById("status").textContent));
  const withOthers = playlist.songs.filter((s) => s.other_spotify_ids.length > 0);
  assert(withOthers.length > 0, "no Queen song has other recordings in the catalog");
  const marks = await page.locator("#playlist .other-recordings").allTextContents();
  assert(marks.length === withOthers.length, `${marks.length} marked, ${withOthers.length} with other recordings`);
  const n = withOthers[0].other_spotify_ids.length;
  assert(marks[0] === `+${n} other recording${n > 1 ? "s" : ""}`, marks[0]);
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
await check("moving a slider and regenerating uses the new value; only that slider becomes \"set by you\"", async () => {
  await page.fill("#prompt", "calm acoustic songs for studying");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for “calm acoustic/.test(document.getElementById("status").textContent));
  const slider = page.locator("#f-energy");
  await slider.waitFor();
  const others = await page.evaluate(() =>
    [...document.querySelectorAll("#features input[type=range]")].filter((s) => s.id !== "f-energy")
      .map((s) => ({ id: s.id, value: s.dataset.value, source: document.querySelector(`label[for=${s.id}] .source`).textContent })));
  assert(others.length > 0, "the prompt predicted only energy");
  await slider.focus();
  for (let i = 0; i < 30; i++) await page.keyboard.press("ArrowRight");  // keyboard-usable
  const value = Number(await slider.inputValue());
  const [sent] = await Promise.all([page.waitForRequest("**/api/playlist"), page.click("#regenerate")]);
  await page.waitForFunction(
    () => document.querySelector("label[for=f-energy] .source")?.textContent === "set by you");
  assert(JSON.stringify(Object.keys(sent.postDataJSON().features)) === '["energy"]',
         `sent ${JSON.stringify(sent.postDataJSON().features)}`);
  const after = Number(await page.locator("#f-energy").inputValue());
  assert(Math.abs(after - value) < 1e-6, `energy ${after} is not the slider's ${value}`);
  for (const o of others) {
    const now = await page.evaluate((id) => ({ value: document.getElementById(id)?.dataset.value,
      source: document.querySelector(`label[for=${id}] .source`)?.textContent }), o.id);
    assert(now.source === o.source && now.value === o.value, `${o.id} changed from ${JSON.stringify(o)} to ${JSON.stringify(now)}`);
  }
});

await check("a prompt with no predicted sound can add any feature", async () => {
  await page.selectOption("#by", "lyrics");
  await page.fill("#prompt", "cowboys on the range");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for “cowboys/.test(document.getElementById("status").textContent));
  await page.locator("#no-features:not([hidden])").waitFor();
  await page.selectOption("#add-feature", "tempo");
  await page.locator("#f-tempo").waitFor();
  const [sent] = await Promise.all([page.waitForRequest("**/api/playlist"), page.click("#regenerate")]);
  assert("tempo" in sent.postDataJSON().features, `sent ${JSON.stringify(sent.postDataJSON())}`);
  await page.waitForFunction(() => document.querySelector("label[for=f-tempo] .source")?.textContent === "set by you");
  assert(/sound/.test(await page.textContent("#chosen-by")), "the added feature did not bring in the sound signal");
  await page.selectOption("#by", "both");
});

await check("a track gets Spotify's embed player on demand and an Open in Spotify link", async () => {
  // No machine here reaches Spotify: the embed answers with a stand-in page.
  await page.route("https://open.spotify.com/**", (route) =>
    route.fulfill({ contentType: "text/html", body: "<p>spotify embed</p>" }));
  await page.fill("#prompt", "calm acoustic songs for studying");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for “calm acoustic/.test(document.getElementById("status").textContent));
  const row = page.locator("#playlist li:has(.play)").first();
  await row.waitFor();
  const id = await page.evaluate(() => {
    const p = [...document.querySelectorAll("#playlist li")].find((li) => li.querySelector(".play"));
    return p.querySelector(".open-spotify").href.split("/").pop();
  });
  assert(/^[A-Za-z0-9]{22}$/.test(id), `link to track ${id}`);
  assert((await page.locator("#playlist iframe").count()) === 0, "players were made before anyone asked");
  await row.locator(".play").click();
  const src = await row.locator(".player iframe").getAttribute("src");
  assert(src === `https://open.spotify.com/embed/track/${id}`, `player src ${src}`);
  assert((await row.locator(".play").getAttribute("aria-expanded")) === "true", "the play button does not say it is open");
  // Texts have nothing to play.
  assert((await page.locator("#playlist li:has(.text-only) .play").count()) === 0, "a text has a player");
  await page.unroute("https://open.spotify.com/**");
});

await check("export downloads XSPF, M3U8, JSON and the Spotify URIs", async () => {
  for (const [format, needle] of [["xspf", '<playlist version="1"'], ["m3u8", "#EXTM3U"], ["json", '"songs"'],
                                  ["spotify", "spotify:track:"]]) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(`button[data-format=${format}]`)]);
    const file = path.join(artifacts, `playlist.${format === "spotify" ? "txt" : format}`);
    await download.saveAs(file);
    assert(fs.readFileSync(file, "utf8").includes(needle), `${format} export lacks ${needle}`);
  }
  // A player opens every entry: #EXTINF with a duration, then the Spotify URI; texts are comments.
  const lines = fs.readFileSync(path.join(artifacts, "playlist.m3u8"), "utf8").trim().split("\n").slice(2);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith("# left out:")) continue;
    assert(/^#EXTINF:\d+,.+ - .+$/.test(lines[i]) && /^spotify:track:[A-Za-z0-9]{22}$/.test(lines[i + 1]),
           `m3u8 entry: ${lines[i]} / ${lines[i + 1]}`);
    i++;
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

await check("more like this on a text: songs by its verses, the seed left out, the mode shown", async () => {
  await page.selectOption("#by", "both");
  await page.fill("#prompt", "cowboys on the range");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for “cowboys/.test(document.getElementById("status").textContent));
  const seed = page.locator("#playlist li:has(.text-only)").first();
  const title = await seed.locator(".open-song").textContent();
  const [sent] = await Promise.all([page.waitForRequest("**/api/playlist"), seed.locator(".more").click()]);
  assert(sent.postDataJSON().like && !("prompt" in sent.postDataJSON()), `sent ${sent.postData()}`);
  await page.waitForFunction((t) => document.getElementById("status").textContent.includes(`songs like “${t}”`), title);
  assert((await page.inputValue("#prompt")) === "cowboys on the range", "the verse was pasted into the prompt box");
  const titles = await page.locator("#playlist .open-song").allTextContents();
  assert(!titles.includes(title), `the seed "${title}" is in its own playlist`);
  assert((await page.textContent("#chosen-by")) === "Chosen by lyrics", await page.textContent("#chosen-by"));
  assert((await page.textContent("#results-title")).includes(title), "the heading does not name the seed");
  assert(new URL(page.url()).searchParams.get("like"), `the URL does not say like: ${page.url()}`);
});

await check("more like this on a track: chosen by its sound, not its lyrics", async () => {
  await page.fill("#prompt", "calm acoustic songs for studying");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for “calm acoustic/.test(document.getElementById("status").textContent));
  const seed = page.locator("#playlist li:has(.play)").first();
  const title = await seed.locator(".open-song").textContent();
  await seed.locator(".more").click();
  await page.waitForFunction((t) => document.getElementById("status").textContent.includes(`songs like “${t}”`), title);
  const chosen = await page.textContent("#chosen-by");
  assert(/sound/.test(chosen) && !/lyrics/.test(chosen), chosen);
  assert(!(await page.locator("#playlist .open-song").allTextContents()).includes(title), "the seed is listed");
});

await check("back and forward bring playlists back, and a shared link restores one", async () => {
  await page.fill("#prompt", "Christmas night");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for “Christmas night”/.test(document.getElementById("status").textContent));
  await page.fill("#prompt", "a child falling asleep");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for “a child falling asleep”/.test(document.getElementById("status").textContent));
  await page.goBack();
  await page.waitForFunction(() => /songs for “Christmas night”/.test(document.getElementById("status").textContent));
  assert((await page.inputValue("#prompt")) === "Christmas night", "the form does not show the earlier prompt");
  await page.goForward();
  await page.waitForFunction(() => /songs for “a child falling asleep”/.test(document.getElementById("status").textContent));
  const shared = await context.newPage();
  await shared.goto(base + "?q=" + encodeURIComponent("running wild and free") + "&n=5&by=both");
  await shared.waitForFunction(() => /5 songs for “running wild and free”/.test(document.getElementById("status").textContent));
  assert((await shared.locator("#playlist li").count()) === 5, "the link's n was not kept");
  assert((await shared.inputValue("#prompt")) === "running wild and free", "the link's prompt is not in the box");
  await shared.close();
});

await check("an unknown song is a JSON 404, an export with nothing to export says why, the page has a favicon", async () => {
  const answers = await page.evaluate(async () => {
    const song = await fetch("/api/song?id=nope");
    const empty = await fetch("/api/export?format=spotify", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "cowboys on the range", by: "lyrics", n: 3 }) });
    const icon = await fetch(document.querySelector("link[rel=icon]").href);
    return { song: [song.status, await song.json()], empty: [empty.status, await empty.json()],
             icon: [icon.status, icon.headers.get("Content-Type")] };
  });
  assert(answers.song[0] === 404 && /no song with id 'nope'/.test(answers.song[1].error), JSON.stringify(answers.song));
  assert(answers.empty[0] >= 400 && answers.empty[0] < 500 && /nothing to export/.test(answers.empty[1].error),
         JSON.stringify(answers.empty));
  assert(answers.icon[0] === 200 && /svg/.test(answers.icon[1]), JSON.stringify(answers.icon));
});

await check("save to Spotify: PKCE login, then the playlist is created and filled in the listener's account", async () => {
  const fake = await startFakeSpotify();
  const spotifyContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await routeSpotifyTo(spotifyContext, fake);
  const sp = await spotifyContext.newPage();
  sp.setDefaultTimeout(20000);
  try {
    await sp.goto(base + "?q=" + encodeURIComponent("calm acoustic songs for studying") + "&n=9&by=both");
    await sp.waitForFunction(() => /songs for/.test(document.getElementById("status").textContent));
    const uris = await sp.evaluate(() => [...document.querySelectorAll("#playlist .open-spotify")]
      .map((a) => "spotify:track:" + a.href.split("/").pop()));
    assert(uris.length > 0, "no track to save");
    await sp.click("#save-spotify");  // no client id yet
    await sp.locator("#status.error").waitFor();
    assert(/client id/.test(await sp.textContent("#status")), await sp.textContent("#status"));
    await sp.fill("#spotify-client-id", "0123456789abcdef0123456789abcdef");
    await sp.click("#save-spotify");
    await sp.waitForFunction(() => /^Saved \d+ tracks to your Spotify/.test(document.getElementById("status").textContent));
    assert(fake.seen.errors.length === 0, `the fake refused: ${fake.seen.errors.join("; ")}`);
    assert(/playlist-modify-private/.test(fake.seen.authorize.scope), `scope ${fake.seen.authorize.scope}`);
    assert(fake.seen.created.name === "calm acoustic songs for studying" && fake.seen.created.public === false,
           JSON.stringify(fake.seen.created));
    assert(JSON.stringify(fake.seen.added) === JSON.stringify(uris), `added ${fake.seen.added.join(" ")} not ${uris.join(" ")}`);
    assert((await sp.getAttribute("#spotify-saved", "href")).endsWith("/playlist/fakeplaylist0000000001"), "no link to the saved playlist");
    assert((await sp.locator("#playlist li").count()) === 9, "the playlist is not shown again after the login");
    assert(!new URL(sp.url()).searchParams.has("code"), `the single-use code stays in the URL: ${sp.url()}`);
    // A login the listener refuses: said, nothing saved.
    fake.seen.added = [];
    await sp.goto(base + "?error=access_denied&state=nothing-started-here");
    await sp.locator("#status.error").waitFor();
    assert(/does not belong to a save started here/.test(await sp.textContent("#status")), await sp.textContent("#status"));
    assert(fake.seen.added.length === 0, "tracks were added after a refused login");
  } finally {
    await spotifyContext.close();
    await fake.close();
  }
});

await check("the map: legend, a hover label, click to open, zoom and pan", async () => {
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.selectOption("#by", "both");
  await page.fill("#prompt", "Christmas night");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for “Christmas night”/.test(document.getElementById("status").textContent));
  assert((await page.locator(".legend li").count()) === 4, "no legend");
  // Every song of the catalog: the texts and the recordings, each kind drawn in its colour.
  const kinds = await page.evaluate(() => ({ texts: state.map.songs.filter((s) => !s.recording).length,
                                             recordings: state.map.songs.filter((s) => s.recording).length }));
  assert(kinds.texts > 0 && kinds.recordings > kinds.texts, `the map holds ${JSON.stringify(kinds)}`);
  await page.locator("#map").scrollIntoViewIfNeeded();
  // Where the first playlist song is drawn, in page pixels.
  const where = () => page.evaluate(() => {
    const canvas = document.getElementById("map"), box = canvas.getBoundingClientRect();
    const placed = state.playlist.map.songs[0], song = state.map.songs.find((s) => s.id === placed.id);
    const { px, py } = mapTransform();
    return { x: box.left + (px(song.x) * box.width) / canvas.width, y: box.top + (py(song.y) * box.height) / canvas.height,
             title: song.title };
  });
  const before = await where();
  await page.mouse.move(before.x, before.y);
  await page.locator("#map-label:not([hidden])").waitFor();
  const label = await page.textContent("#map-label");
  assert(label.length > 3, `hover label: ${label}`);
  await page.click("#map-zoom-in");
  const zoomed = await where();
  assert(Math.hypot(zoomed.x - before.x, zoomed.y - before.y) > 1, "zooming in did not move the dots");
  await page.mouse.move(zoomed.x + 40, zoomed.y + 40);
  await page.mouse.down();
  await page.mouse.move(zoomed.x + 80, zoomed.y + 60, { steps: 4 });
  await page.mouse.up();
  const panned = await where();
  assert(Math.abs(panned.x - zoomed.x - 40) < 3 && Math.abs(panned.y - zoomed.y - 20) < 3,
         `dragging 40,20 moved the dot by ${panned.x - zoomed.x},${panned.y - zoomed.y}`);
  await page.mouse.move(panned.x, panned.y);
  const hovered = await page.textContent("#map-label");
  await page.mouse.click(panned.x, panned.y);
  await page.waitForFunction((t) => document.getElementById("song-name").textContent === t, hovered.split(" · ")[0]);
  await page.click("#map-reset");
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

await check("phone width: the playlist and the song panel scroll into view", async () => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.fill("#prompt", "a child falling asleep");
  await page.press("#prompt", "Enter");
  await page.waitForFunction(() => /songs for “a child/.test(document.getElementById("status").textContent));
  const inView = (id) => page.evaluate((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return r.top < window.innerHeight && r.bottom > 0;
  }, id);
  await page.waitForFunction(() => { const r = document.getElementById("results").getBoundingClientRect();
                                     return r.top >= -2 && r.top < window.innerHeight / 2; });
  await page.locator("#playlist .open-song").first().click();
  await page.locator("#song:not([hidden])").waitFor();
  await page.waitForTimeout(800);  // smooth scrolling
  assert(await inView("song"), "the song panel opened out of view");
  assert((await page.locator(".open-song[aria-pressed=true]").count()) === 1, "the tapped song is not marked");
  await page.screenshot({ path: path.join(artifacts, "phone-song.png") });
});

await check("dark mode follows the system", async () => {
  const dark = await browser.newContext({ viewport: { width: 1200, height: 900 }, colorScheme: "dark" });
  const d = await dark.newPage();
  await d.goto(base + "?q=" + encodeURIComponent("calm acoustic songs for studying") + "&n=9&by=both");
  await d.waitForFunction(() => /songs for/.test(document.getElementById("status").textContent));
  const bg = await d.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  assert(r + g + b < 150, `the dark page's background is ${bg}`);
  await d.screenshot({ path: path.join(artifacts, "dark.png"), fullPage: true });
  await dark.close();
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
  await lyricsOnly.fill("#prompt", "cowboys on the range");
  await lyricsOnly.press("#prompt", "Enter");
  await lyricsOnly.waitForFunction(() => /songs for/.test(document.getElementById("status").textContent));
  assert(await lyricsOnly.locator("#sound").isHidden(), "sliders are offered for a catalog without audio features");
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
