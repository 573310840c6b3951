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

// The playlist a URL asks for (?q=...&n=...&by=..., or ?like=ID): links
// and the back button bring a playlist back.
function requestToUrl(request) {
  const params = new URLSearchParams();
  if (request.like) params.set("like", request.like);
  else params.set("q", request.prompt);
  params.set("n", String(request.n));
  params.set("by", request.by);
  if (request.recordings_only) params.set("recordings", "1");
  return "?" + params.toString();
}

function requestFromUrl(search) {
  const params = new URLSearchParams(search);
  const prompt = params.get("q"), like = params.get("like");
  if (!prompt && !like) return null;
  const request = {
    n: Math.max(1, Number(params.get("n")) || 9),
    by: params.get("by") || "both",
    max_per_artist: 0,
    recordings_only: params.get("recordings") === "1",
  };
  if (like) request.like = like;
  else request.prompt = prompt;
  return request;
}

// Puts a request's values back in the form (after back/forward or a link).
function showRequestInForm(request) {
  if (request.prompt !== undefined) $("prompt").value = request.prompt;
  $("count").value = request.n;
  if ([...$("by").options].some((o) => o.value === request.by)) $("by").value = request.by;
  $("recordings-only").checked = !!request.recordings_only;
}

// history: "push" for a new playlist, "none" when the URL already says it.
async function generate(request, { history = "push" } = {}) {
  const mine = ++latestRequest;
  state.request = request;
  $("generate").disabled = true;
  $("results").classList.add("loading");
  setStatus(request.like ? "Finding songs like this one…" : "Finding songs…");
  try {
    const playlist = await api("/api/playlist", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    if (mine !== latestRequest) return;
    state.playlist = playlist;
    if (history === "push") window.history.pushState(request, "", requestToUrl(request));
    renderPlaylist(playlist);
    renderFeatures(playlist.target);
    drawMap();
    const what = playlist.like ? `songs like “${playlist.like.title}” by ${playlist.like.artist}` : `songs for “${playlist.prompt}”`;
    setStatus(playlist.songs.length ? `${playlist.songs.length} ${what}.` : `No ${what} in this catalog.`);
    revealOnPhone($("results"));
  } catch (e) {
    if (mine === latestRequest) setStatus(e.message, true);
  } finally {
    if (mine === latestRequest) {
      $("generate").disabled = false;
      $("results").classList.remove("loading");
    }
  }
}

// At phone width the results and the song panel open below the fold:
// bring them into view when they are not.
function revealOnPhone(element) {
  const box = element.getBoundingClientRect();
  if (box.top < 0 || box.top > window.innerHeight * 0.8) element.scrollIntoView({ block: "start", behavior: "smooth" });
}

// Which signals chose the songs, from the answer (not from the menu).
function usedSignals(p) {
  return Object.entries(p.used || {}).filter(([, used]) => used).map(([name]) => name);
}

function renderPlaylist(p) {
  $("results").hidden = false;
  $("results-title").textContent = p.like ? `2. More like “${p.like.title}”` : "2. Your playlist";
  $("chosen-by").textContent = "Chosen by " + usedSignals(p).join(" and ");
  $("notes").textContent = (p.notes || []).join(" · ");
  if (!p.songs.length) $("notes").textContent = "Nothing in the catalog fits this request. " + $("notes").textContent;
  const list = $("playlist");
  list.replaceChildren();
  for (const s of p.songs) {
    const li = document.createElement("li");
    li.style.setProperty("--tile", tileColour(s));
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
    const others = (s.other_spotify_ids || []).length;
    if (others) {
      const mark = document.createElement("span");
      mark.className = "other-recordings";
      mark.textContent = `+${others} other recording${others > 1 ? "s" : ""}`;
      mark.title = "The catalog holds this song under other ids too (a remaster, a re-release): this is the best known";
      artist.append(" ", mark);
    }
    const listen = s.spotify_id ? spotifyControls(s) : null;
    const more = document.createElement("button");
    more.type = "button";
    more.className = "more";
    more.textContent = "More like this";
    more.setAttribute("aria-label", `More like ${s.title}`);
    more.addEventListener("click", () => moreLike(s));
    row.append(open, artist);
    if (listen) row.append(listen.buttons);
    row.append(more);
    const why = document.createElement("p");
    why.className = "why";
    why.textContent = "Why: " + s.why;
    li.append(row, why);
    if (listen) li.append(listen.player);
    list.append(li);
  }
  // The open song's lyrics stay only while it is in the playlist shown.
  if (!p.songs.some((s) => s.id === state.openId)) {
    state.openId = null;
    $("song").hidden = true;
  }
}

// A song's colour, drawn from its sound (hue: sad blue to happy yellow by
// valence; lightness: calm to energetic), or from its artist's name for a
// text without features. No pictures from the network.
function tileColour(s) {
  const f = s.features || {};
  if (typeof f.valence === "number" && typeof f.energy === "number")
    return `hsl(${Math.round(230 - 180 * f.valence)} 70% ${Math.round(68 - 28 * f.energy)}%)`;
  let hash = 0;
  for (const c of s.artist || s.title) hash = (hash * 31 + c.codePointAt(0)) % 360;
  return `hsl(${hash} 35% 60%)`;
}

// Spotify's embed player for a track, made only when asked for (an iframe
// per track would load Spotify for every song), and a link to the track.
function spotifyControls(s) {
  const buttons = document.createElement("span");
  buttons.className = "listen";
  const play = document.createElement("button");
  play.type = "button";
  play.className = "play";
  play.textContent = "▶ Play";
  play.setAttribute("aria-label", `Play ${s.title} on Spotify`);
  play.setAttribute("aria-expanded", "false");
  const link = document.createElement("a");
  link.className = "open-spotify";
  link.href = "https://open.spotify.com/track/" + encodeURIComponent(s.spotify_id);
  link.target = "_blank";
  link.rel = "noopener";
  link.textContent = "Open in Spotify";
  buttons.append(play, link);
  const player = document.createElement("div");
  player.className = "player";
  player.hidden = true;
  play.addEventListener("click", () => {
    if (!player.firstChild) {
      const frame = document.createElement("iframe");
      frame.title = `Spotify player: ${s.title}`;
      frame.src = "https://open.spotify.com/embed/track/" + encodeURIComponent(s.spotify_id);
      frame.width = "100%";
      frame.height = "80";
      frame.loading = "lazy";
      frame.allow = "autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture";
      player.append(frame);
    }
    player.hidden = !player.hidden;
    play.setAttribute("aria-expanded", String(!player.hidden));
  });
  return { buttons, player };
}

// A new playlist from the song itself (its verses' meaning, its sound): the
// engine leaves the song out, and the "Choose by" menu shows what it used.
function moreLike(s) {
  const { prompt, ...rest } = currentRequest("");  // a "like" request has no prompt
  generate({ ...rest, like: s.id, by: "both" });
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
    revealOnPhone($("song"));
    if (firstMark) firstMark.scrollIntoView({ block: "center", behavior: "smooth" });
    setStatus(`“${song.title}”${s.match ? ": the matched verse is highlighted." : "."}`);
  } catch (e) {
    setStatus(e.message, true);
  }
}

// What the engine offers (GET /api/engine): its signals, feature ranges and
// export formats come from the C++ tables, never from a copy here.
const engine = { features: {} };

// One slider per feature the request asked for; only a slider the
// listener moves becomes "set by you" on regenerate, and any other feature
// can be added from the menu.
function renderFeatures(target) {
  const features = target && target.features ? target.features : {};
  // Without tracks that have audio features there is no sound to set.
  $("sound").hidden = !engine.soundAvailable;
  const box = $("features");
  box.replaceChildren();
  for (const [name, f] of Object.entries(features)) box.append(featureSlider(name, f.value, f.source, f.evidence));
  $("no-features").hidden = Object.keys(features).length > 0;
  fillAddFeature();
}

function featureSlider(name, value, source, evidence) {
  const spec = engine.features[name];
  const [min, max, step] = spec ? [spec.min, spec.max, spec.step] : [0, 1, 0.01];
  const row = document.createElement("div");
  row.className = "feature";
  const label = document.createElement("label");
  label.htmlFor = "f-" + name;
  const from = document.createElement("span");
  from.className = "source";
  from.textContent = source === "user" ? "set by you" : source;
  label.append(name + " ", from);
  const slider = document.createElement("input");
  slider.type = "range";
  slider.id = "f-" + name;
  slider.min = min;
  slider.max = max;
  slider.step = step;
  slider.value = value;
  slider.dataset.feature = name;
  // The value as the engine gave it: the slider's own value is rounded to its step.
  slider.dataset.value = String(value);
  if (source === "user") slider.dataset.changed = "1";
  slider.title = evidence || "";
  const shown = document.createElement("output");
  shown.htmlFor = slider.id;
  const format = (v) => Number(v).toFixed(step < 1 ? 2 : 0);
  shown.textContent = format(value);
  slider.addEventListener("input", () => {
    shown.textContent = format(slider.value);
    slider.dataset.changed = "1";
    slider.dataset.value = slider.value;
  });
  row.append(label, slider, shown);
  return row;
}

function fillAddFeature() {
  const select = $("add-feature");
  select.replaceChildren(new Option("Add a feature…", ""));
  const shown = new Set([...document.querySelectorAll("#features input[type=range]")].map((s) => s.dataset.feature));
  for (const [name, spec] of Object.entries(engine.features))
    if (!shown.has(name)) select.append(new Option(spec.help ? `${name}: ${spec.help}` : name, name));
}

function addFeature() {
  const name = $("add-feature").value;
  const spec = engine.features[name];
  if (!spec) return;
  const row = featureSlider(name, spec.typical ?? (spec.min + spec.max) / 2, "added", "added by you");
  row.querySelector("input").dataset.changed = "1";
  $("features").append(row);
  $("no-features").hidden = true;
  fillAddFeature();
  row.querySelector("input").focus();
}

function regenerate() {
  if (!state.request) return;
  const request = { ...state.request, features: {} };
  for (const s of document.querySelectorAll("#features input[type=range]"))
    if (s.dataset.changed) request.features[s.dataset.feature] = Number(s.dataset.value);
  if (request.by === "lyrics") request.by = "both";
  generate(request);
}

// Offer only the signals this catalog has (no audio features: no "sound";
// no lyrics index: no "lyrics"), and "every signal" when there are several.
function fillSignals(description) {
  const select = $("by");
  select.replaceChildren();
  const available = description.signals.filter((s) => s.available).map((s) => s.name);
  engine.soundAvailable = available.includes("sound");
  // Six names joined would be wider than a phone: the first choice says how many.
  if (available.length > 1) select.append(new Option(`every signal (${available.length})`, description.all_signals));
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

// /api/map answers columns (some 60,000 songs); the page keeps one object per song.
async function loadMap() {
  try {
    // The server draws the map after it starts: until then it says "retry".
    let reply = await fetch("/api/map");
    for (let tries = 0; reply.status === 503 && tries < 30; tries++) {
      const body = await reply.json();
      if (!body.retry) break;
      await new Promise((done) => setTimeout(done, 1000));
      reply = await fetch("/api/map");
    }
    if (!reply.ok) return;  // no verse or track text index: no map
    const m = await reply.json();
    const songs = m.id.map((id, i) => ({ id, title: m.title[i], artist: m.artist[i], x: m.x[i], y: m.y[i],
                                         recording: m.recording[i] === 1 }));
    // Recordings first, so that the fewer texts are drawn over them.
    songs.sort((a, b) => b.recording - a.recording);
    state.map = { songs };
    $("map-section").hidden = false;
    drawMap();
  } catch (e) {
    // no verse or track text index: no map
  }
}

// The map's view: zoom (wheel, buttons) and pan (drag) over the points'
// [-1.2, 1.2] square; hover names the song under the pointer, a click opens it.
const mapView = { zoom: 1, cx: 0, cy: 0, hover: null, drag: null };
const mapColours = { text: "#c2861a", recording: "#9aa3b5", playlist: "#1f6feb", prompt: "#e8590c" };

function mapTransform() {
  const canvas = $("map"), pad = 16;
  const size = Math.min(canvas.width, canvas.height) - 2 * pad;
  const k = (size / 2.4) * mapView.zoom;
  return {
    px: (x) => canvas.width / 2 + (x - mapView.cx) * k,
    py: (y) => canvas.height / 2 - (y - mapView.cy) * k,
    k,
  };
}

function drawMap() {
  const canvas = $("map");
  if (!state.map || !canvas) return;
  const ctx = canvas.getContext("2d");
  const { px, py } = mapTransform();
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (const s of state.map.songs) {
    ctx.fillStyle = s.recording ? mapColours.recording : mapColours.text;
    ctx.fillRect(px(s.x) - 1, py(s.y) - 1, 2.5, 2.5);
  }
  const placed = state.playlist && state.playlist.map ? state.playlist.map : null;
  if (placed) {
    ctx.fillStyle = mapColours.playlist;
    for (const s of placed.songs) {
      ctx.beginPath();
      ctx.arc(px(s.x), py(s.y), 5, 0, 2 * Math.PI);
      ctx.fill();
    }
    if (placed.prompt) {
      ctx.fillStyle = mapColours.prompt;
      ctx.font = "20px system-ui";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText("★", px(placed.prompt.x), py(placed.prompt.y));
    }
  }
  if (mapView.hover) {
    const h = mapView.hover;
    ctx.strokeStyle = mapColours.prompt;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(px(h.x), py(h.y), 7, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

// The song nearest the pointer, within 8 canvas pixels.
function songAt(event) {
  const canvas = $("map"), box = canvas.getBoundingClientRect();
  const x = ((event.clientX - box.left) * canvas.width) / box.width, y = ((event.clientY - box.top) * canvas.height) / box.height;
  const { px, py } = mapTransform();
  let best = null, bestDistance = 64;
  for (const s of state.map ? state.map.songs : []) {
    const d = (px(s.x) - x) ** 2 + (py(s.y) - y) ** 2;
    if (d < bestDistance) (best = s), (bestDistance = d);
  }
  return best;
}

function showMapLabel(song, event) {
  const label = $("map-label");
  label.hidden = !song;
  if (!song) return;
  label.textContent = `${song.title} · ${song.artist}`;
  const box = $("map").getBoundingClientRect();
  label.style.left = `${event.clientX - box.left + 12}px`;
  label.style.top = `${event.clientY - box.top + 12}px`;
}

function zoomMap(factor) {
  mapView.zoom = Math.min(40, Math.max(1, mapView.zoom * factor));
  if (mapView.zoom === 1) mapView.cx = mapView.cy = 0;
  drawMap();
}

function wireMap() {
  const canvas = $("map");
  canvas.addEventListener("mousemove", (event) => {
    if (mapView.drag) {
      const { k } = mapTransform(), scale = canvas.width / canvas.getBoundingClientRect().width;
      mapView.cx = mapView.drag.cx - ((event.clientX - mapView.drag.x) * scale) / k;
      mapView.cy = mapView.drag.cy + ((event.clientY - mapView.drag.y) * scale) / k;
      mapView.drag.moved = true;
    } else {
      mapView.hover = songAt(event);
      showMapLabel(mapView.hover, event);
    }
    drawMap();
  });
  canvas.addEventListener("mouseleave", () => {
    mapView.hover = mapView.drag = null;
    showMapLabel(null);
    drawMap();
  });
  canvas.addEventListener("mousedown", (event) => {
    mapView.drag = { x: event.clientX, y: event.clientY, cx: mapView.cx, cy: mapView.cy, moved: false };
  });
  canvas.addEventListener("mouseup", (event) => {
    const clicked = mapView.drag && !mapView.drag.moved ? songAt(event) : null;
    mapView.drag = null;
    if (clicked) openSong({ id: clicked.id, title: clicked.title, match: null });
  });
  canvas.addEventListener("wheel", (event) => {
    event.preventDefault();
    zoomMap(event.deltaY < 0 ? 1.25 : 0.8);
  }, { passive: false });
  $("map-zoom-in").addEventListener("click", () => zoomMap(1.5));
  $("map-zoom-out").addEventListener("click", () => zoomMap(1 / 1.5));
  $("map-reset").addEventListener("click", () => {
    mapView.zoom = 1;
    mapView.cx = mapView.cy = 0;
    drawMap();
  });
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
$("add-feature").addEventListener("change", addFeature);
// Back and forward bring the playlist of that step back.
window.addEventListener("popstate", (event) => {
  const request = event.state || requestFromUrl(window.location.search);
  if (!request) return;
  showRequestInForm(request);
  generate(request, { history: "none" });
});
$("copy-spotify").addEventListener("click", copySpotify);
$("save-spotify").addEventListener("click", () => saveToSpotify(state.request, setStatus));
restoreSpotifyClientId();
// A shared link (?q=... or ?like=...) opens on its playlist; so does the
// way back from Spotify's login, after the save.
loadEngine().then(async () => {
  const saved = await finishSpotifySave(api, setStatus);
  const request = saved ? saved.request : requestFromUrl(window.location.search);
  if (request) {
    window.history.replaceState(request, "", requestToUrl(request));
    showRequestInForm(request);
    await generate(request, { history: "none" });
  }
  if (saved) setStatus(saved.message, saved.error);
});
wireMap();
loadMap();
