// Passkeys (WebAuthn) for the login and account security pages: the only script of the auth-server, a
// static file (the Content Security Policy allows no inline script). It talks to Spring Security's WebAuthn
// endpoints, sending the page's CSRF token (from its <meta> tags) as a header. Without JavaScript or
// WebAuthn the passkey buttons stay hidden and everything else works.
"use strict";
(() => {
  const b64url = {
    encode(buffer) {
      return btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/=/g, "").replace(/\+/g, "-").replace(/\//g, "_");
    },
    decode(text) {
      const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
      return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
    }
  };

  function csrfHeaders() {
    const token = document.querySelector("meta[name=_csrf]");
    const header = document.querySelector("meta[name=_csrf_header]");
    return token && header ? { [header.content]: token.content } : {};
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", ...csrfHeaders() },
      body: body ? JSON.stringify(body) : undefined
    });
    if (!response.ok) {
      throw new Error("HTTP " + response.status);
    }
    return response.json();
  }

  async function signIn() {
    const options = await post("/webauthn/authenticate/options");
    options.challenge = b64url.decode(options.challenge);
    options.allowCredentials = (options.allowCredentials || []).map((c) => ({ ...c, id: b64url.decode(c.id) }));
    const cred = await navigator.credentials.get({ publicKey: options });
    const r = cred.response;
    const result = await post("/login/webauthn", {
      id: cred.id,
      rawId: b64url.encode(cred.rawId),
      response: {
        authenticatorData: b64url.encode(r.authenticatorData),
        clientDataJSON: b64url.encode(r.clientDataJSON),
        signature: b64url.encode(r.signature),
        userHandle: r.userHandle ? b64url.encode(r.userHandle) : undefined
      },
      credType: cred.type,
      clientExtensionResults: cred.getClientExtensionResults(),
      authenticatorAttachment: cred.authenticatorAttachment
    });
    if (!result.authenticated || !result.redirectUrl) {
      throw new Error("not authenticated");
    }
    window.location.href = result.redirectUrl;
  }

  async function register(label) {
    const options = await post("/webauthn/register/options");
    options.challenge = b64url.decode(options.challenge);
    options.user = { ...options.user, id: b64url.decode(options.user.id) };
    options.excludeCredentials = (options.excludeCredentials || []).map((c) => ({ ...c, id: b64url.decode(c.id) }));
    const cred = await navigator.credentials.create({ publicKey: options });
    const r = cred.response;
    const result = await post("/webauthn/register", {
      publicKey: {
        label,
        credential: {
          id: cred.id,
          rawId: b64url.encode(cred.rawId),
          response: {
            attestationObject: b64url.encode(r.attestationObject),
            clientDataJSON: b64url.encode(r.clientDataJSON),
            transports: r.getTransports ? r.getTransports() : []
          },
          type: cred.type,
          clientExtensionResults: cred.getClientExtensionResults(),
          authenticatorAttachment: cred.authenticatorAttachment
        }
      }
    });
    if (!result.success) {
      throw new Error("not registered");
    }
  }

  function showError(id) {
    const error = document.getElementById(id);
    if (error) {
      error.hidden = false;
      error.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.PublicKeyCredential) {
      return;
    }
    const signInSection = document.getElementById("passkey-signin");
    if (signInSection) {
      signInSection.hidden = false;
      document.getElementById("passkey-signin-button").addEventListener("click", () =>
        signIn().catch(() => showError("passkey-signin-error")));
    }
    const registerForm = document.getElementById("passkey-register-form");
    if (registerForm) {
      registerForm.hidden = false;
      registerForm.addEventListener("submit", (event) => {
        event.preventDefault();
        const label = document.getElementById("passkey-label").value.trim();
        if (!label) {
          showError("passkey-register-error");
          return;
        }
        register(label)
          .then(() => { window.location.href = "/account/security?passkeyAdded"; })
          .catch(() => showError("passkey-register-error"));
      });
    }
  });
})();
