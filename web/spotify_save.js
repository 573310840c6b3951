// Save a playlist to the listener's own Spotify account, from the page:
// Authorization Code with PKCE (no secret; the listener brings their app's
// client id, README "Spotify set-up"), then the Web API's documented calls:
// GET /v1/me, POST /v1/users/{id}/playlists, POST /v1/playlists/{id}/tracks.
"use strict";

const spotifyAccounts = "https://accounts.spotify.com";
const spotifyApi = "https://api.spotify.com/v1";
const spotifyScopes = "playlist-modify-private playlist-modify-public";
const pendingKey = "promptlist.spotify.pending";  // sessionStorage: the save that went to Spotify's login
const clientIdKey = "promptlist.spotify.client_id";  // localStorage: the listener's app

function randomText(length) {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return [...crypto.getRandomValues(new Uint8Array(length))].map((x) => letters[x % letters.length]).join("");
}

async function codeChallenge(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return btoa(String.fromCharCode(...new Uint8Array(digest))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function redirectUri() {
  return window.location.origin + window.location.pathname;
}

// Step 1: to Spotify's login, the playlist request kept for the way back.
async function saveToSpotify(request, setStatus) {
  const clientId = document.getElementById("spotify-client-id").value.trim();
  if (!/^[0-9a-zA-Z]{16,64}$/.test(clientId))
    return setStatus("Give your Spotify app's client id first (the README's Spotify set-up says where to get one).", true);
  if (!request) return setStatus("Make a playlist first.", true);
  localStorage.setItem(clientIdKey, clientId);
  const verifier = randomText(64), state = randomText(16);
  sessionStorage.setItem(pendingKey, JSON.stringify({ verifier, state, clientId, request }));
  const params = new URLSearchParams({
    response_type: "code", client_id: clientId, scope: spotifyScopes, code_challenge_method: "S256",
    code_challenge: await codeChallenge(verifier), redirect_uri: redirectUri(), state,
  });
  window.location.assign(`${spotifyAccounts}/authorize?${params}`);
}

async function spotifyCall(token, path, body) {
  const res = await fetch(spotifyApi + path, {
    method: body ? "POST" : "GET",
    headers: { Authorization: "Bearer " + token, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`Spotify answered ${res.status}: ${answer.error?.message || answer.error || "no reason given"}`);
  return answer;
}

// Step 2, back from Spotify with ?code=&state=: the token, then the
// playlist made again and saved. Returns {request, message, error} for the
// page to show after it shows the playlist again, or null when this page
// load is no return from Spotify.
async function finishSpotifySave(api, setStatus) {
  const params = new URLSearchParams(window.location.search);
  if (!params.has("state") || !(params.has("code") || params.has("error"))) return null;
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) || "null");
  sessionStorage.removeItem(pendingKey);
  if (!pending || pending.state !== params.get("state"))
    return { request: null, message: "Spotify's answer does not belong to a save started here; nothing was saved.", error: true };
  window.history.replaceState(null, "", window.location.pathname);  // the code is single-use
  if (params.has("error"))
    return { request: pending.request, message: `Spotify did not allow saving (${params.get("error")}).`, error: true };
  try {
    setStatus("Saving to your Spotify…");
    const tokenRes = await fetch(`${spotifyAccounts}/api/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code: params.get("code"), redirect_uri: redirectUri(),
                                  client_id: pending.clientId, code_verifier: pending.verifier }),
    });
    const token = await tokenRes.json();
    if (!tokenRes.ok) throw new Error(`Spotify refused the login: ${token.error_description || token.error}`);
    const playlist = await api("/api/playlist", { method: "POST", headers: { "Content-Type": "application/json" },
                                                   body: JSON.stringify(pending.request) });
    const uris = playlist.songs.filter((s) => s.spotify_id).map((s) => "spotify:track:" + s.spotify_id);
    if (!uris.length) throw new Error("none of this playlist's songs is on Spotify; nothing was saved");
    const me = await spotifyCall(token.access_token, "/me");
    const name = playlist.like ? `Like ${playlist.like.title}` : playlist.prompt;
    const made = await spotifyCall(token.access_token, `/users/${encodeURIComponent(me.id)}/playlists`, {
      name: name.slice(0, 100), public: false, description: "Made by promptlist: " + name.slice(0, 200),
    });
    for (let i = 0; i < uris.length; i += 100)  // the API takes 100 items a call
      await spotifyCall(token.access_token, `/playlists/${encodeURIComponent(made.id)}/tracks`, { uris: uris.slice(i, i + 100) });
    const link = document.getElementById("spotify-saved");
    link.href = made.external_urls?.spotify || `https://open.spotify.com/playlist/${made.id}`;
    link.textContent = `“${name}” in your Spotify`;
    link.hidden = false;
    return { request: pending.request, message: `Saved ${uris.length} tracks to your Spotify.`, error: false };
  } catch (e) {
    return { request: pending.request, message: e.message, error: true };
  }
}

function restoreSpotifyClientId() {
  document.getElementById("spotify-client-id").value = localStorage.getItem(clientIdKey) || "";
}
