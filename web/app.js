// promptlist web app: prompt -> playlist -> a song's lyrics, with the
// sound sliders, the catalog map and exports. Plain DOM, no framework.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { request: null, playlist: null, map: null, openId: null };
// Each playlist request gets a number; an answer that arrives after a newer
// request was made (two examples clicked quickly) is dropped, so the page
// always shows the last thing asked for.
let latestRequest = 0;

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

async function api(path, options = {}) {
  const res = await fetch(path, options);
  const type = res.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) throw new Error(body && body.error ? body.error : `HTTP ${res.status}`);
  return body;
}

function currentRequest(prompt) {
  return {
    prompt,
    n: Number($("count").value) || 9,
    by: $("by").value,
    max_per_artist: Number($("max-per-artist").value) || 0,
    recordings_only: $("recordings-only").checked,
  };
}

async function generate(request) {
  const mine = ++latestRequest;
  state.request = request;
  $("generate").disabled = true;
  setStatus("Finding songs…");
  try {
    const playlist = await api("/api/playlist", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    if (mine !== latestRequest) return;
    state.playlist = playlist;
    renderPlaylist(playlist);
    renderFeatures(playlist.target);
    drawMap();
    setStatus(`${playlist.songs.length} songs for “${playlist.prompt}”.`);
  } catch (e) {
    if (mine === latestRequest) setStatus(e.message, true);
  } finally {
    if (mine === latestRequest) $("generate").disabled = false;
  }
}

function renderPlaylist(p) {
  $("results").hidden = false;
  $("notes").textContent = (p.notes || []).join(" · ");
  const list = $("playlist");
  list.replaceChildren();
  for (const s of p.songs) {
    const li = document.createElement("li");
    const row = document.createElement("div");
    row.className = "song-row";
    const open = document.createElement("button");
    open.className = "open-song";
    open.type = "button";
    open.textContent = s.title;
    open.dataset.id = s.id;
    open.setAttribute("aria-pressed", String(s.id === state.openId));
    open.addEventListener("click", () => openSong(s));
    const artist = document.createElement("span");
    artist.className = "artist";
    artist.textContent = s.artist;
    if (!s.recording) {
      const mark = document.createElement("span");
      mark.className = "text-only";
      mark.textContent = "text only";
      mark.title = "A public-domain text: there is no recording to play";
      artist.append(" ", mark);
    }
    const more = document.createElement("button");
    more.type = "button";
    more.className = "more";
    more.textContent = "More like this";
    more.setAttribute("aria-label", `More like ${s.title}`);
    more.addEventListener("click", () => moreLike(s));
    row.append(open, artist, more);
    const why = document.createElement("p");
    why.className = "why";
    why.textContent = "Why: " + s.why;
    li.append(row, why);
    list.append(li);
  }
  // The open song's lyrics stay only while it is in the playlist shown.
  if (!p.songs.some((s) => s.id === state.openId)) {
    state.openId = null;
    $("song").hidden = true;
  }
}

// A new playlist seeded by a song: its matched verse says what it is about;
// a track chosen by sound brings its own features.
function moreLike(s) {
  const request = currentRequest(s.match ? s.match.text.slice(0, 900) : s.title);
  if (!s.match && s.features) {
    request.by = "sound";
    request.features = {};
    for (const name of ["danceability", "energy", "valence", "acousticness", "instrumentalness", "tempo"])
      if (name in s.features) request.features[name] = s.features[name];
  }
  $("prompt").value = request.prompt;
  generate(request);
}

async function openSong(s) {
  state.openId = s.id;
  for (const b of document.querySelectorAll(".open-song")) b.setAttribute("aria-pressed", String(b.dataset.id === s.id));
  setStatus(`Opening “${s.title}”…`);
  try {
    const song = await api("/api/song?id=" + encodeURIComponent(s.id));
    if (state.openId !== s.id) return;  // another song was opened meanwhile
    $("song").hidden = false;
    $("song-name").textContent = song.title;
    $("song-meta").textContent = [song.artist, song.collection, song.year].filter(Boolean).join(" · ");
    const lyrics = $("lyrics");
    lyrics.replaceChildren();
    const from = s.match ? s.match.line_begin : -1, to = s.match ? s.match.line_end : -1;
    let firstMark = null;
    song.lines.forEach((text, i) => {
      if (i > 0 && song.verse_of_line[i] !== song.verse_of_line[i - 1]) {
        const gap = document.createElement("span");
        gap.className = "verse-gap";
        lyrics.append(gap);
      }
      const line = document.createElement("span");
      line.className = "line";
      if (i >= from && i < to) {
        const mark = document.createElement("mark");
        mark.textContent = text;
        line.append(mark);
        firstMark = firstMark || line;
      } else {
        line.textContent = text;
      }
      lyrics.append(line);
    });
    if (!song.lines.length) lyrics.textContent = "No lyrics: this track was chosen by how it sounds.";
    const dl = $("song-features");
    dl.replaceChildren();
    for (const [name, value] of Object.entries(song.features || {})) {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.textContent = Number.isInteger(value) ? value : value.toFixed(3);
      dl.append(dt, dd);
    }
    if (firstMark) firstMark.scrollIntoView({ block: "center", behavior: "smooth" });
    setStatus(`“${song.title}”${s.match ? ": the matched verse is highlighted." : "."}`);
  } catch (e) {
    setStatus(e.message, true);
  }
}

// What the engine offers (GET /api/engine): its signals, feature ranges and
// export formats come from the C++ tables, never from a copy here.
const engine = { features: {} };

function renderFeatures(target) {
  const features = target && target.features ? target.features : {};
  const names = Object.keys(features);
  $("sound").hidden = names.length === 0;
  const box = $("features");
  box.replaceChildren();
  for (const name of names) {
    const f = features[name];
    const spec = engine.features[name];
    const [min, max, step] = spec ? [spec.min, spec.max, spec.step] : [0, 1, 0.01];
    const row = document.createElement("div");
    row.className = "feature";
    const label = document.createElement("label");
    label.htmlFor = "f-" + name;
    const source = document.createElement("span");
    source.className = "source";
    source.textContent = f.source;
    label.append(name + " ", source);
    const slider = document.createElement("input");
    slider.type = "range";
    slider.id = "f-" + name;
    slider.min = min;
    slider.max = max;
    slider.step = step;
    slider.value = f.value;
    slider.dataset.feature = name;
    slider.title = f.evidence;
    const value = document.createElement("output");
    value.htmlFor = slider.id;
    value.textContent = Number(f.value).toFixed(step < 1 ? 2 : 0);
    slider.addEventListener("input", () => {
      value.textContent = Number(slider.value).toFixed(step < 1 ? 2 : 0);
      slider.dataset.changed = "1";
    });
    row.append(label, slider, value);
    box.append(row);
  }
}

function regenerate() {
  if (!state.request) return;
  const request = { ...state.request, features: {} };
  for (const s of document.querySelectorAll("#features input[type=range]")) request.features[s.dataset.feature] = Number(s.value);
  if (request.by === "lyrics") request.by = "both";
  generate(request);
}

// Offer only the signals this catalog has (no audio features: no "sound";
// no lyrics index: no "lyrics"), and "every signal" when there are several.
function fillSignals(description) {
  const select = $("by");
  select.replaceChildren();
  const available = description.signals.filter((s) => s.available).map((s) => s.name);
  if (available.length > 1) select.append(new Option(available.join(" and "), description.all_signals));
  for (const name of available) select.append(new Option(name, name));
  if (!select.options.length) setStatus("This catalog has neither a lyrics index nor audio features.", true);
}

function fillExportFormats(description) {
  const copy = $("copy-spotify");
  for (const format of description.export_formats) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.format = format.name;
    b.textContent = format.label;
    b.addEventListener("click", () => exportAs(format));
    copy.before(b);
  }
}

async function loadEngine() {
  try {
    const description = await api("/api/engine");
    for (const f of description.features) engine.features[f.name] = f;
    $("prompt").maxLength = description.limits.prompt_chars;
    $("count").max = description.limits.n;
    fillSignals(description);
    fillExportFormats(description);
  } catch (e) {
    setStatus(e.message, true);
  }
}

async function loadMap() {
  try {
    state.map = await api("/api/map");
    $("map-section").hidden = false;
    drawMap();
  } catch (e) {
    // no lyrics index: no map
  }
}

function drawMap() {
  const canvas = $("map");
  if (!state.map || !canvas) return;
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 16;
  const px = (x) => pad + ((x + 1.2) / 2.4) * (w - 2 * pad);
  const py = (y) => h - pad - ((y + 1.2) / 2.4) * (h - 2 * pad);
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = "#c3c9d6";
  for (const s of state.map.songs) ctx.fillRect(px(s.x) - 1.5, py(s.y) - 1.5, 3, 3);
  const placed = state.playlist && state.playlist.map ? state.playlist.map : null;
  if (!placed) return;
  ctx.fillStyle = "#1f6feb";
  for (const s of placed.songs) {
    ctx.beginPath();
    ctx.arc(px(s.x), py(s.y), 5, 0, 2 * Math.PI);
    ctx.fill();
  }
  if (placed.prompt) {
    ctx.fillStyle = "#e8590c";
    ctx.font = "20px system-ui";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText("★", px(placed.prompt.x), py(placed.prompt.y));
  }
}

async function exportAs(format) {
  if (!state.request) return;
  try {
    const res = await fetch("/api/export?format=" + format.name, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(state.request),
    });
    if (!res.ok) throw new Error((await res.json()).error);
    const blob = await res.blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "playlist." + format.extension;
    document.body.append(a);
    a.click();
    a.remove();
    setStatus(`Saved ${a.download}.`);
  } catch (e) {
    setStatus(e.message, true);
  }
}

async function copySpotify() {
  const uris = (state.playlist ? state.playlist.songs : []).filter((s) => s.spotify_id).map((s) => "spotify:track:" + s.spotify_id);
  if (!uris.length) return setStatus("No song in this playlist has a Spotify id.", true);
  try {
    await navigator.clipboard.writeText(uris.join("\n"));
    setStatus(`Copied ${uris.length} Spotify URIs: paste them into a Spotify playlist.`);
  } catch (e) {
    setStatus("The browser did not allow copying; use the Spotify URIs download.", true);
  }
}

$("prompt-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const prompt = $("prompt").value.trim();
  if (!prompt) return setStatus("Type what you want to hear first.", true);
  generate(currentRequest(prompt));
});
for (const b of document.querySelectorAll(".example"))
  b.addEventListener("click", () => {
    $("prompt").value = b.textContent;
    generate(currentRequest(b.textContent));
  });
$("regenerate").addEventListener("click", regenerate);
$("copy-spotify").addEventListener("click", copySpotify);
loadEngine();
loadMap();
