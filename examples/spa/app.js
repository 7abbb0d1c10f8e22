// Overworld example client: plain JavaScript, no build step, no dependency.
//
// It is a working client and the reference for frontend developers of the token flow:
//
//   1. Register (POST /api/users/register/) or log in (POST /api/users/login/). Both answer
//      200 {"user": {"id", "username", "email"}, "token"}.
//   2. Send that token on every request that needs a user:  Authorization: Token <token>
//      ("Bearer <token>" is accepted too). No cookies are involved, so no CSRF token either.
//   3. Any 401 means the token is dead (expired after 30 days unused, revoked by a logout, by a
//      password change or by staff): forget it and ask the user to sign in again.
//   4. Log out with POST /api/users/logout/ (204): it revokes this token only.
//
// The page is served from another origin than the API, so the browser asks the API first (a CORS
// preflight: OPTIONS with Access-Control-Request-Headers: authorization, content-type). The API
// answers it only for the origins listed in its CORS_ALLOWED_ORIGINS setting; for any other origin
// fetch() fails with a network error and no body (see apiFetch below).
//
// Every error the API sends is JSON: {"detail": "...", "code": "..."} or messages by field, such as
// {"username": ["A user with that username already exists."]} or
// {"non_field_errors": ["Incorrect username/password."]}. This page shows the messages as they come;
// `code` (e.g. "not_authenticated", "email_not_verified", "login_locked") is for code to branch on.

"use strict";

const DEFAULT_API_BASE = "http://127.0.0.1:8000";
const SHELVES = ["played", "liked", "backlog", "wishlist"];

// The token lives in sessionStorage: it survives a reload but not closing the tab, and it is not
// sent anywhere by the browser on its own (unlike a cookie). Any script on this origin can read it,
// so a real frontend must not run third-party or user-supplied scripts; this page builds its DOM
// with textContent only, never innerHTML.
const TOKEN_KEY = "overworld.token";
const USERNAME_KEY = "overworld.username";
const API_BASE_KEY = "overworld.apiBase";

const state = {
  apiBase: initialApiBase(),
  token: sessionStorage.getItem(TOKEN_KEY),
  username: sessionStorage.getItem(USERNAME_KEY),
};

// The API's base URL: ?api=... in the page's address, else the last one used, else the default.
function initialApiBase() {
  const fromQuery = new URLSearchParams(window.location.search).get("api");
  return normalizeBase(fromQuery || localStorage.getItem(API_BASE_KEY) || DEFAULT_API_BASE);
}

function normalizeBase(url) {
  return url.trim().replace(/\/+$/, "");
}

class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

// One place talks to the API. It adds the token, sends and parses JSON, and turns every failure
// into an ApiError whose message is what the user should read. A FormData body (a file upload) is
// sent as a multipart form, whose Content-Type (with its boundary) the browser sets.
async function apiFetch(method, path, body) {
  const headers = { Accept: "application/json" };
  const isForm = body instanceof FormData;
  if (body !== undefined && !isForm) {
    headers["Content-Type"] = "application/json";
  }
  if (state.token) {
    headers.Authorization = `Token ${state.token}`;
  }

  let response;
  try {
    response = await fetch(state.apiBase + path, {
      method,
      headers,
      body: body === undefined || isForm ? body : JSON.stringify(body),
    });
  } catch (networkError) {
    // A refused connection and a refused CORS preflight look the same to a page: no response.
    throw new ApiError(
      0,
      null,
      `Could not reach the API at ${state.apiBase}. Is it running, and does its ` +
        `CORS_ALLOWED_ORIGINS list this page's origin (${window.location.origin})?`,
    );
  }

  if (response.status === 204) {
    return null;
  }
  const data = await response.json().catch(() => null);
  if (response.ok) {
    return data;
  }
  if (response.status === 401 && state.token) {
    // The token is dead: whatever the request was, the user has to sign in again.
    endSession();
  }
  throw new ApiError(response.status, data, errorMessage(response, data));
}

// {"detail": "...", "code": "..."} -> the detail's text; field errors -> "field: message", one per line;
// non_field_errors -> their messages as they are; nested objects (the game of a shelf) -> "game.name: ...".
function errorMessage(response, data) {
  let message;
  if (data && typeof data === "object" && typeof data.detail === "string") {
    message = data.detail;
  } else if (data && typeof data === "object") {
    message = flattenErrors(data).join("\n");
  }
  if (!message) {
    message = `The API answered ${response.status} ${response.statusText}.`;
  }
  // Throttled (429): the API says when to try again; CORS exposes this header to the page.
  const retryAfter = response.headers.get("Retry-After");
  if (retryAfter) {
    message += ` Try again in ${retryAfter} seconds.`;
  }
  return message;
}

function flattenErrors(errors, prefix = "") {
  if (typeof errors === "string") {
    return [prefix ? `${prefix}: ${errors}` : errors];
  }
  if (Array.isArray(errors)) {
    return errors.flatMap((item) => flattenErrors(item, prefix));
  }
  return Object.entries(errors).flatMap(([key, value]) => {
    const isGeneral = key === "detail" || key === "non_field_errors" || key === "description";
    const label = isGeneral ? prefix : prefix ? `${prefix}.${key}` : key;
    return flattenErrors(value, label);
  });
}

// --- The session ------------------------------------------------------------------------------

function startSession(user, token) {
  state.token = token;
  state.username = user.username;
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(USERNAME_KEY, user.username);
  render();
}

function endSession() {
  state.token = null;
  state.username = null;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USERNAME_KEY);
  render();
}

// After register or login: fill the profile form from the current user and show the profile.
async function loadCurrentUser() {
  const user = await apiFetch("GET", "/api/users/user/");
  const form = document.getElementById("profile-form");
  form.elements.bio.value = user.bio ?? "";
  form.elements.location.value = user.location ?? "";
  form.elements.twitter.value = user.twitter ? `@${user.twitter}` : "";
  form.elements.use_gravatar.checked = user.use_gravatar;
  await showProfile(user.username);
}

// --- Actions, one per form --------------------------------------------------------------------

async function signUp(form) {
  const { user, token } = await apiFetch("POST", "/api/users/register/", {
    username: form.elements.username.value,
    email: form.elements.email.value,
    password: form.elements.password.value,
  });
  form.reset();
  startSession(user, token);
  notify(`Welcome, ${user.username}! Your account is ready.`);
  await loadCurrentUser();
}

async function signIn(form) {
  const { user, token } = await apiFetch("POST", "/api/users/login/", {
    username: form.elements.username.value,
    password: form.elements.password.value,
  });
  form.reset();
  startSession(user, token);
  notify(`Signed in as ${user.username}.`);
  await loadCurrentUser();
}

async function signOut() {
  try {
    await apiFetch("POST", "/api/users/logout/");
  } finally {
    // Forget the token even if the API could not be reached: this tab is signed out either way.
    endSession();
  }
  notify("Signed out. That token no longer works.");
}

async function saveProfile(form) {
  // POST or PATCH; both update only the fields sent. An empty field clears it (the API stores null).
  const profile = await apiFetch("PATCH", `/api/users/profile/${encodeURIComponent(state.username)}`, {
    bio: form.elements.bio.value,
    location: form.elements.location.value,
    twitter: form.elements.twitter.value,
    use_gravatar: form.elements.use_gravatar.checked,
  });
  renderProfile(profile);
  notify("Profile saved.");
}

// Your picture: a JPEG, PNG, WebP or GIF of at most 5 MiB and 8000 pixels a side, sent as the `avatar`
// file of a multipart form (PUT). The API re-encodes it as square WebP pictures of 256 and 64 pixels;
// a refused file gets 400 {"avatar": ["..."]}, shown as it comes.
async function uploadPicture(form) {
  const body = new FormData();
  body.append("avatar", form.elements.avatar.files[0]);
  await apiFetch("PUT", `/api/users/${encodeURIComponent(state.username)}/avatar/`, body);
  form.reset();
  notify("Picture saved.");
  await showProfile(state.username);
}

async function removePicture() {
  await apiFetch("DELETE", `/api/users/${encodeURIComponent(state.username)}/avatar/`);
  notify("Picture removed.");
  await showProfile(state.username);
}

async function follow(form) {
  const result = await apiFetch("POST", "/api/users/follow/", {
    username: form.elements.username.value,
  });
  form.reset();
  notify(`You follow ${result.username}.`);
  await showProfile(result.username);
}

async function putOnShelf(form) {
  const igdb = form.elements.igdb.value.trim();
  const shelf = form.elements.shelf.value;
  // Idempotent: setting a shelf that is already set changes nothing. `game` creates the game the
  // first time anyone shelves it (the API needs at least its name then); later it is ignored.
  const gameState = await apiFetch("PATCH", `/api/games/${encodeURIComponent(igdb)}/state/`, {
    [shelf]: true,
    game: { name: form.elements.name.value },
  });
  const shelves = SHELVES.filter((name) => gameState[name]).join(", ");
  notify(`${form.elements.name.value} is on your shelves: ${shelves}.`);
  await showProfile(state.username);
}

async function showProfile(username) {
  const profile = await apiFetch("GET", `/api/users/${encodeURIComponent(username)}`);
  renderProfile(profile);
}

// --- Rendering --------------------------------------------------------------------------------

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) {
    node.textContent = text; // never innerHTML: profile text comes from other users
  }
  if (className) {
    node.className = className;
  }
  return node;
}

// Picture URLs may be relative to the API (its default MEDIA_URL is /media/), or absolute (a CDN).
function apiUrl(url) {
  return new URL(url, `${state.apiBase}/`).href;
}

function renderProfile(profile) {
  const article = document.getElementById("profile");
  article.replaceChildren();
  if (profile.avatar) {
    const picture = element("img", undefined, "avatar");
    picture.src = apiUrl(profile.avatar.large);
    picture.alt = `The picture of @${profile.username}`;
    picture.width = picture.height = 128;
    article.append(picture);
  }
  article.append(element("h2", `@${profile.username}`));
  if (profile.email) {
    article.append(element("p", profile.email, "muted")); // only the owner gets their e-mail
  }
  if (profile.bio) {
    article.append(element("p", profile.bio, "bio"));
  }
  const facts = [];
  if (profile.location) facts.push(profile.location);
  if (profile.twitter) facts.push(`@${profile.twitter} on Twitter`);
  // No-break spaces keep each count with its word when the line wraps.
  facts.push(`Following\u00a0${profile.following.length}`, `Followers\u00a0${profile.followers.length}`);
  article.append(element("p", facts.join(" · "), "facts"));

  const shelves = element("dl", undefined, "shelves");
  for (const shelf of SHELVES) {
    shelves.append(element("dt", shelf[0].toUpperCase() + shelf.slice(1)));
    const games = profile[shelf];
    shelves.append(element("dd", games.length ? games.map((game) => game.name).join(", ") : "—"));
  }
  article.append(shelves);
  article.dataset.username = profile.username;
  article.hidden = false;
}

function render() {
  const signedIn = Boolean(state.token);
  document.getElementById("signed-out").hidden = signedIn;
  document.getElementById("signed-in").hidden = !signedIn;
  document.getElementById("sign-out").hidden = !signedIn;
  document.getElementById("session-status").textContent = signedIn
    ? `Signed in as ${state.username}.`
    : "Signed out.";
  document.getElementById("api-base").value = state.apiBase;
}

function notify(message) {
  showBanner("notice", message);
}

function showBanner(id, message) {
  const banner = document.getElementById(id);
  banner.textContent = message;
  banner.hidden = !message;
}

// Every form runs its action the same way: clear the banners, await, show the API's error if any.
function bind(formId, action) {
  document.getElementById(formId).addEventListener("submit", (event) => {
    event.preventDefault();
    run(() => action(event.currentTarget));
  });
}

// While a request is in flight the page says so (aria-busy), for screen readers and for tests.
let pendingActions = 0;

async function run(action) {
  showBanner("error", "");
  showBanner("notice", "");
  pendingActions += 1;
  document.body.setAttribute("aria-busy", "true");
  try {
    await action();
  } catch (error) {
    showBanner("error", error instanceof ApiError ? error.message : `Unexpected error: ${error}`);
  } finally {
    pendingActions -= 1;
    if (pendingActions === 0) {
      document.body.removeAttribute("aria-busy");
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  bind("api-form", (form) => {
    state.apiBase = normalizeBase(form.elements.api.value);
    localStorage.setItem(API_BASE_KEY, state.apiBase);
    notify(`Using the API at ${state.apiBase}.`);
  });
  bind("sign-up-form", signUp);
  bind("sign-in-form", signIn);
  bind("profile-form", saveProfile);
  bind("picture-form", uploadPicture);
  document.getElementById("remove-picture").addEventListener("click", () => run(removePicture));
  bind("follow-form", follow);
  bind("shelf-form", putOnShelf);
  bind("view-profile-form", (form) => showProfile(form.elements.username.value));
  document.getElementById("sign-out").addEventListener("click", () => run(signOut));
  render();
  if (state.token) {
    // A reload keeps the session; a dead token is found out here (401) and forgotten.
    run(loadCurrentUser);
  }
});
