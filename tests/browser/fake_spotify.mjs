// A local stand-in for Spotify's Accounts service and Web API, answering the
// documented requests of the PKCE save (authorize, api/token, v1/me,
// v1/users/{id}/playlists, v1/playlists/{id}/tracks) with the documented
// response shapes, and checking what the page sends: the PKCE challenge
// against the verifier, the Bearer token, the JSON bodies.
import http from "node:http";
import crypto from "node:crypto";

export async function startFakeSpotify() {
  const seen = { authorize: null, token: null, created: null, added: [], errors: [] };
  const codes = new Map();  // code -> {challenge, redirect_uri, client_id}
  const accessToken = "fake-access-token";
  const cors = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Authorization, Content-Type",
                 "Access-Control-Allow-Methods": "GET, POST, OPTIONS" };
  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { "Content-Type": "application/json", ...cors, ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };
  const fail = (res, status, message) => { seen.errors.push(message); send(res, status, { error: { status, message } }); };
  const readBody = (req) => new Promise((resolve) => { let b = ""; req.on("data", (c) => (b += c)); req.on("end", () => resolve(b)); });
  const authorized = (req) => req.headers.authorization === "Bearer " + accessToken;

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://fake");
    if (req.method === "OPTIONS") return send(res, 204);
    const body = await readBody(req);
    if (url.pathname === "/authorize") {
      const p = Object.fromEntries(url.searchParams);
      seen.authorize = p;
      for (const key of ["client_id", "response_type", "redirect_uri", "code_challenge_method", "code_challenge", "state"])
        if (!p[key]) return fail(res, 400, `authorize without ${key}`);
      if (p.response_type !== "code" || p.code_challenge_method !== "S256") return fail(res, 400, "not a PKCE code request");
      const code = crypto.randomBytes(8).toString("hex");
      codes.set(code, { challenge: p.code_challenge, redirect_uri: p.redirect_uri, client_id: p.client_id });
      const back = new URL(p.redirect_uri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", p.state);
      res.writeHead(302, { Location: back.toString() });
      return res.end();
    }
    if (url.pathname === "/api/token" && req.method === "POST") {
      if (!(req.headers["content-type"] || "").startsWith("application/x-www-form-urlencoded"))
        return fail(res, 400, "token request is not form-encoded");
      const p = Object.fromEntries(new URLSearchParams(body));
      seen.token = p;
      const grant = codes.get(p.code);
      if (p.grant_type !== "authorization_code" || !grant) return send(res, 400, { error: "invalid_grant" });
      const challenge = crypto.createHash("sha256").update(p.code_verifier || "").digest("base64url");
      if (challenge !== grant.challenge || p.redirect_uri !== grant.redirect_uri || p.client_id !== grant.client_id)
        return send(res, 400, { error: "invalid_grant", error_description: "code_verifier, redirect_uri or client_id do not match" });
      codes.delete(p.code);
      return send(res, 200, { access_token: accessToken, token_type: "Bearer", scope: seen.authorize.scope,
                              expires_in: 3600, refresh_token: "fake-refresh" });
    }
    if (!url.pathname.startsWith("/v1/")) return fail(res, 404, "no such endpoint " + url.pathname);
    if (!authorized(req)) return fail(res, 401, "no valid Bearer token");
    if (url.pathname === "/v1/me" && req.method === "GET")
      return send(res, 200, { id: "listener", display_name: "A Listener", type: "user", uri: "spotify:user:listener" });
    let m = url.pathname.match(/^\/v1\/users\/([^/]+)\/playlists$/);
    if (m && req.method === "POST") {
      const p = JSON.parse(body);
      if (m[1] !== "listener" || !p.name) return fail(res, 400, "create playlist: wrong user or no name");
      seen.created = p;
      return send(res, 201, { id: "fakeplaylist0000000001", name: p.name, public: p.public, type: "playlist",
                              uri: "spotify:playlist:fakeplaylist0000000001",
                              external_urls: { spotify: "https://open.spotify.com/playlist/fakeplaylist0000000001" } });
    }
    m = url.pathname.match(/^\/v1\/playlists\/([^/]+)\/tracks$/);
    if (m && req.method === "POST") {
      const p = JSON.parse(body);
      if (!Array.isArray(p.uris) || p.uris.length > 100) return fail(res, 400, "add items: uris must be an array of at most 100");
      seen.added.push(...p.uris);
      return send(res, 201, { snapshot_id: "snapshot-1" });
    }
    return fail(res, 404, "no such endpoint " + url.pathname);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { seen, base, close: () => new Promise((resolve) => server.close(resolve)) };
}

// Sends the page's requests to Spotify's two hosts to the fake instead.
export async function routeSpotifyTo(context, fake) {
  // The two hosts' paths do not overlap (/authorize, /api/token; /v1/...).
  // maxRedirects 0: authorize's 302 back to the page goes to the browser.
  const forward = async (route) => {
    const url = new URL(route.request().url());
    const response = await route.fetch({ url: fake.base + url.pathname + url.search, maxRedirects: 0 });
    await route.fulfill({ response });
  };
  await context.route("https://accounts.spotify.com/**", forward);
  await context.route("https://api.spotify.com/**", forward);
}
