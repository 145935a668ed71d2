// The dashboard's calls to cpr-meter's JSON APIs, with the admin token when one is set.
// The token lives in this module's memory only: never in a URL, localStorage or sessionStorage.
let token = null;
let asking = null;

/** Asks for the token once (one dialog for concurrent requests); resolves when one is entered. */
function askToken(refused) {
  asking ??= new Promise((resolve) => {
    const dialog = document.getElementById('token-dialog');
    const form = document.getElementById('token-form');
    document.getElementById('token-error').hidden = !refused;
    form.token.value = '';
    form.addEventListener('submit', () => {
      token = form.token.value;
      asking = null;
      resolve();
    }, { once: true });
    dialog.showModal();
  });
  return asking;
}

/** GET `/api/${path}` as JSON; asks for the token on 401 and tries again. Throws with the API's message. */
export async function getJson(path) {
  for (;;) {
    const headers = token === null ? {} : { authorization: `Bearer ${token}` };
    const res = await fetch(`/api/${path}`, { headers });
    if (res.status === 401) {
      await askToken(token !== null);
      continue;
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`);
    return body;
  }
}
