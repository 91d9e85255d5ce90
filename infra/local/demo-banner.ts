/** What `npm run demo` started, printed for humans (banner) and scripts (one JSON line). */
export interface DemoInfo {
  readonly apiUrl: string;
  readonly wsUrl: string;
  /** The dashboard, and a link to it that signs in once (a one-time code, valid a few minutes). */
  readonly dashboardUrl: string;
  readonly signInUrl: string;
  /** The fake WhatsApp server's HTTP control API (loopback only). */
  readonly controlUrl: string;
  readonly tenant: string;
  /** An ADMIN token of `tenant`. */
  readonly token: string;
  readonly stateDir: string;
  readonly phone: { readonly pn: string; readonly name: string };
  readonly contacts: readonly { readonly pn: string; readonly name: string }[];
  readonly hosts: readonly string[];
  /** The embedded S3 and the media bucket (`media/{tenant}/{session}/{mediaId}`), for scripts that look inside. */
  readonly storage: { readonly s3Endpoint: string; readonly mediaBucket: string };
  /** The demo's loopback webhook receiver and its endpoint id (absent if it could not be registered). */
  readonly webhook?: { readonly url: string; readonly id: string };
}

/** A 1×1 PNG, small enough to paste: what the demo's contact sends as a picture. */
const DOT_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const JSON_FIELD = (field: string): string =>
  `node -pe 'JSON.parse(require("fs").readFileSync(0,"utf8")).${field}'`;

/** The banner with numbered copy-paste commands that walk through the whole flow. */
export function demoBanner(info: DemoInfo, version: string): string {
  const alice = info.contacts[0] ?? info.phone;
  const bob = info.contacts[1] ?? alice;
  const auth = '-H "authorization: Bearer $TOKEN"';
  const json = "-H 'content-type: application/json'";
  const wsFlag = info.wsUrl === 'ws://127.0.0.1:3001/local' ? '' : ` --url ${info.wsUrl}`;
  return [
    '',
    `  zapfleet ${version} — demo: local stack against the fake WhatsApp server`,
    '',
    `  dashboard      ${info.signInUrl}`,
    `                 (signs in once, within 5 minutes; afterwards ${info.dashboardUrl} and paste the token below)`,
    `  HTTP API       ${info.apiUrl}   (docs ${info.apiUrl}/docs)`,
    `  WebSocket      ${info.wsUrl}?token=...`,
    `  fake control   ${info.controlUrl}   (loopback only)`,
    `  phone          ${info.phone.pn} (${info.phone.name})`,
    `  contacts       ${info.contacts.map((c) => `${c.pn} (${c.name})`).join(', ')}`,
    `  hosts          ${info.hosts.join(', ') || 'none'}`,
    info.webhook
      ? `  webhook        ${info.webhook.url} (${info.webhook.id}): every event of "${info.tenant}", verified with standardwebhooks and printed here as [webhook] lines`
      : '  webhook        none registered: npm run webhook-receiver -- --secret <secret of POST /v1/webhooks>',
    '',
    `  ADMIN token of tenant "${info.tenant}" (valid 12 h):`,
    `    export TOKEN=${info.token}`,
    '',
    '  Walk through it in a second terminal (paste the export line above first):',
    '',
    `   1. export API=${info.apiUrl} C=${info.controlUrl}`,
    '   2. create a session:',
    `      export ID=$(curl -s -X POST $API/v1/sessions ${auth} ${json} -d '{"name":"demo"}' | ${JSON_FIELD('id')})`,
    '   3. watch its events live (a third terminal, with TOKEN and ID exported):',
    `      ZAPFLEET_TOKEN=$TOKEN npm run ws-client -- --session $ID${wsFlag}`,
    '   4. start it; a QR appears in the ws-client within a second or two:',
    `      curl -s -X POST $API/v1/sessions/$ID/start ${auth}`,
    `   5. scan the current QR with the phone ${info.phone.pn} → session:connected:`,
    `      QR=$(curl -s $API/v1/sessions/$ID/qr ${auth} | ${JSON_FIELD('qr')})`,
    `      curl -s -X POST $C/scan -d "{\\"qr\\":\\"$QR\\",\\"phone\\":\\"${info.phone.pn}\\"}"`,
    `   6. ${alice.name} sends a text → session:message:`,
    `      curl -s -X POST $C/messages -d '{"from":"${alice.pn}","to":"${info.phone.pn}","text":"Hi from ${alice.name}"}'`,
    `   7. reply to ${alice.name} through the API:`,
    `      curl -s -X POST $API/v1/sessions/$ID/messages ${auth} ${json} -d '{"to":"${alice.pn}","text":"Hi ${alice.name}, zapfleet here"}'`,
    `   8. ${alice.name}'s inbox (what her phone decrypted):`,
    `      curl -s $C/users/${alice.pn}/inbox`,
    `   9. ${alice.name} sends a picture → session:message with media {id, sha256, …}; download it by that id:`,
    `      curl -s -X POST $C/users/${alice.pn}/media -d '{"to":"${info.phone.pn}","kind":"image","mimetype":"image/png","base64":"${DOT_PNG_BASE64}","caption":"a dot"}'`,
    `      MID=$(curl -s $API/v1/sessions/$ID/events ${auth} | ${JSON_FIELD('events.filter((e) => e.data.media).pop().data.media.id')})`,
    `      curl -s -o dot.png "$(curl -s -o /dev/null -w '%{redirect_url}' $API/v1/sessions/$ID/media/$MID ${auth})"   # 302 to a presigned GET`,
    `      sending media (upload, then send by id or by URL): README "Media"; ${alice.name}'s inbox lists it with its sha256`,
    '  10. stop (STOPPED), start again (CONNECTED, no new QR), log out (session:logged-out):',
    `      curl -s -X POST $API/v1/sessions/$ID/stop ${auth}`,
    `      curl -s -X POST $API/v1/sessions/$ID/start ${auth}`,
    `      curl -s -X POST $API/v1/sessions/$ID/logout ${auth}`,
    '',
    `  Or run the whole scenario with timings (--webhook: a receiver of its own, checked at the end): ZAPFLEET_TOKEN=$TOKEN npm run flow -- --url ${info.apiUrl} --scan --webhook${wsFlag.replace('--url', '--ws-url')}${
      info.controlUrl === 'http://127.0.0.1:3002' ? '' : ` --control-url ${info.controlUrl}`
    }`,
    `  ${bob.name} (${bob.pn}) is free for a second session; linked devices: curl -s $C/devices`,
    '',
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}
