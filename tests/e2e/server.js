#!/usr/bin/env node
// The local Bot API emulator for tests/test_e2e.py: telegram-test-api 4.2.1, with
// its incompatibilities with python-telegram-bot 22 fixed (see shared/E2E.md).
//
//   node tests/e2e/server.js PORT        (or PORT=... node tests/e2e/server.js)
//
// Listens on 127.0.0.1 only, prints one line "e2e-emulator ready http://127.0.0.1:PORT"
// on stdout once it accepts connections, logs to stderr, and exits on SIGTERM/SIGINT or
// when its stdin (a pipe from the test) is closed.
//
// The package is resolved from the ignored folder .e2e/ at the repository root, where
// the test installs it (E2E_NODE_MODULES overrides the folder).
'use strict';

const fs = require('fs');
const path = require('path');

const NODE_MODULES = process.env.E2E_NODE_MODULES
  || path.resolve(__dirname, '..', '..', '.e2e', 'node_modules');
const pkg = (name) => require(path.join(NODE_MODULES, 'telegram-test-api', 'lib', name));
const { TelegramServer } = pkg('telegramServer');
const { routes } = pkg(path.join('routes', 'index'));

const HOST = '127.0.0.1';
const port = Number(process.argv[2] || process.env.PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write('usage: node server.js PORT (or PORT=... in the environment)\n');
  process.exit(2);
}

const log = (line) => process.stderr.write(`[e2e-emulator] ${line}\n`);

// Methods the bot calls that the package lacks (or answers with `result: null`), and
// that need no state here: answered `true` as Telegram would.
const ANSWER_TRUE = [
  'answerCallbackQuery',
  'setMyCommands',
  'deleteMyCommands',
  'sendChatAction',
  'setChatMenuButton',
  'setMyDescription',
  'setMyShortDescription',
  'setMyName',
  'setMyDefaultAdministratorRights',
  'close',
  'logOut',
];
const OWN = new Set([
  ...ANSWER_TRUE,
  'getMe', 'getMyCommands', 'getUpdates', 'sendMessage', 'editMessageText',
  'editMessageReplyMarkup', 'deleteMessage', 'deleteWebhook', 'setWebhook',
]);

const MAX_POLL_SECONDS = 50;

const ok = (res, result) => res.json({ ok: true, result });
const badRequest = (res, description) => res.status(400).json({
  ok: false, error_code: 400, description: `Bad Request: ${description}`,
});

const parseJSON = (value) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (_error) {
    return value;
  }
};

const botUser = (token) => ({
  id: Number(String(token).split(':')[0]) || 666,
  is_bot: true,
  first_name: 'Passerelle (e2e)',
  username: 'PasserelleE2EBot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
});

// A stored bot message as the Message object Telegram would return.
const asMessage = (record) => {
  const m = record.message;
  const markup = parseJSON(m.reply_markup);
  const message = {
    message_id: record.messageId,
    date: Math.floor(record.time / 1000), // the package stores milliseconds
    chat: { id: Number(m.chat_id), type: 'private', first_name: 'User' },
    from: botUser(record.botToken),
    text: m.text === undefined ? '' : String(m.text),
  };
  if (record.editDate) message.edit_date = record.editDate;
  if (markup && typeof markup === 'object' && Array.isArray(markup.inline_keyboard)) {
    message.reply_markup = { inline_keyboard: markup.inline_keyboard };
  }
  const preview = parseJSON(m.link_preview_options);
  if (preview && typeof preview === 'object') message.link_preview_options = preview;
  return message;
};

const findBotMessage = (server, token, chatId, messageId) => server.storage.botMessages.find(
  (r) => r.botToken === token
    && String(r.messageId) === String(messageId)
    && String(r.message.chat_id) === String(chatId),
);

// The update as Telegram formats it: the package leaves out `chat_instance`, and keeps the
// client's `botToken` inside the message.
const originalFormatUpdate = TelegramServer.formatUpdate;
TelegramServer.formatUpdate = (update) => {
  const formatted = originalFormatUpdate(update);
  if (formatted.callback_query) {
    const chatId = formatted.callback_query.message && formatted.callback_query.message.chat
      ? formatted.callback_query.message.chat.id : formatted.callback_query.from.id;
    formatted.callback_query.chat_instance = `e2e-${chatId}`;
    if (formatted.callback_query.message) {
      const { botToken: _t, ...message } = formatted.callback_query.message;
      formatted.callback_query.message = message;
    }
  }
  if (formatted.message) {
    const { botToken: _t, ...message } = formatted.message;
    formatted.message = message;
  }
  return formatted;
};

// Long polling with Telegram's offset semantics: updates below `offset` are confirmed
// (never sent again), the others are returned until confirmed, so none is lost if the
// bot fails to read an answer. Waits up to `timeout` seconds when there is nothing to return.
const USER_EVENTS = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];

function pendingUpdates(server, token, offset, limit) {
  const mine = server.storage.userMessages.filter((u) => u.botToken === token);
  if (offset > 0) {
    mine.forEach((u) => {
      if (u.updateId < offset) u.confirmed = true; // kept for /getUpdatesHistory
    });
  }
  return mine
    .filter((u) => !u.confirmed)
    .sort((a, b) => a.updateId - b.updateId)
    .slice(0, limit)
    .map((u) => {
      u.isRead = true; // so that the package's own getUpdates would not repeat it
      return TelegramServer.formatUpdate(u);
    });
}

function getUpdates(req, res, server) {
  const { token } = req.params;
  const params = { ...req.query, ...req.body };
  const offset = Number(params.offset) || 0;
  const limit = Math.min(Math.max(Number(params.limit) || 100, 1), 100);
  const timeout = Math.min(Math.max(Number(params.timeout) || 0, 0), MAX_POLL_SECONDS);

  const now = pendingUpdates(server, token, offset, limit);
  if (now.length > 0 || timeout === 0) {
    ok(res, now);
    return;
  }
  let done = false;
  let timer = null;
  const finish = (answer) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    USER_EVENTS.forEach((event) => server.off(event, onEvent));
    res.off('close', onClose);
    if (answer) ok(res, pendingUpdates(server, token, offset, limit));
  };
  // Events fire after the update is stored; answer on the next tick, with whatever is there.
  function onEvent() { setImmediate(() => finish(true)); }
  // The bot went away (shutdown, cancelled request): answer nothing, mark nothing read.
  function onClose() { finish(false); }
  USER_EVENTS.forEach((event) => server.on(event, onEvent));
  res.on('close', onClose);
  timer = setTimeout(() => finish(true), timeout * 1000);
}

function ownRoutes(app, server) {
  const post = (method, handler) => {
    app.all(`/bot:token/${method}`, (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'POST') {
        next();
        return;
      }
      handler(req, res, { ...req.query, ...req.body }, req.params.token);
    });
  };

  app.all('/bot:token/:method', (req, _res, next) => {
    if (!OWN.has(req.params.method)) log(`unsupported method ${req.params.method}`);
    next();
  });

  post('getMe', (_req, res, _p, token) => ok(res, botUser(token)));
  post('getMyCommands', (_req, res) => ok(res, []));
  ANSWER_TRUE.forEach((method) => post(method, (_req, res) => ok(res, true)));
  post('getUpdates', (req, res) => getUpdates(req, res, server));

  post('sendMessage', (_req, res, params, token) => {
    if (params.chat_id === undefined || params.text === undefined) {
      badRequest(res, 'chat_id and text are required');
      return;
    }
    const sent = server.addBotMessage({ ...params }, token);
    ok(res, asMessage(findBotMessage(server, token, params.chat_id, sent.message_id)));
  });

  const edit = (method, apply) => post(method, (_req, res, params, token) => {
    if (params.inline_message_id !== undefined) {
      ok(res, true);
      return;
    }
    const record = findBotMessage(server, token, params.chat_id, params.message_id);
    if (!record) {
      badRequest(res, 'message to edit not found');
      return;
    }
    apply({ ...params });
    record.editDate = Math.floor(Date.now() / 1000);
    ok(res, asMessage(record));
  });
  edit('editMessageText', (params) => server.editMessageText(params));
  edit('editMessageReplyMarkup', (params) => {
    if (params.reply_markup === undefined) {
      params.reply_markup = { inline_keyboard: [] };
    }
    server.editMessageReplyMarkup(params);
  });

  post('deleteMessage', (_req, res, params) => {
    if (server.deleteMessage(Number(params.chat_id), Number(params.message_id))) {
      ok(res, true);
    } else {
      badRequest(res, 'message to delete not found');
    }
  });
  post('deleteWebhook', (_req, res, _p, token) => {
    server.deleteWebhook(token);
    ok(res, true);
  });
  post('setWebhook', (_req, res) => badRequest(res, 'webhooks are not used by the e2e test'));
}

routes.unshift(ownRoutes);

const server = new TelegramServer({ port, host: HOST, storage: 'RAM' });
let stopping = false;
const stop = (why) => {
  if (stopping) return;
  stopping = true;
  log(`stopping (${why})`);
  // RAM storage, nothing to flush; pending long polls just see the connection close.
  process.exit(0);
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

// Stop with the test: when the pipe (or terminal) on stdin closes. /dev/null or a file on
// stdin would end at once, so those are not watched.
let stdinStat = null;
try {
  stdinStat = fs.fstatSync(0);
} catch (_error) {
  stdinStat = null;
}
if (process.stdin.isTTY || (stdinStat && (stdinStat.isFIFO() || stdinStat.isSocket()))) {
  process.stdin.on('end', () => stop('stdin closed'));
  process.stdin.on('close', () => stop('stdin closed'));
  process.stdin.on('error', () => stop('stdin error'));
  process.stdin.resume();
}

server.start().then(
  () => process.stdout.write(`e2e-emulator ready http://${HOST}:${port}\n`),
  (error) => {
    log(`cannot listen on ${HOST}:${port}: ${error.message}`);
    process.exit(1);
  },
);
