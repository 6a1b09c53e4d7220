// The postback tester's page. Every value shown comes from a server or the user and may be hostile
// (postback parameters are whatever an advertiser sends): it is only ever set as textContent or a
// form value, never parsed as HTML. The page calls its own origin only (the admin server), which
// fires the postback at ingest and reads the query API itself.
'use strict';

const $ = (id) => document.getElementById(id);
let currentClick = null;
let polling = null;

function token() {
  return $('token').value.trim();
}

async function call(method, path, body) {
  const options = { method, headers: { 'Authorization': 'Bearer ' + token() } };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let json = null;
  try { json = await response.json(); } catch (notJson) { json = null; }
  return { status: response.status, body: json };
}

function say(element, text, kind) {
  element.textContent = text;
  element.className = kind ? 'step ' + kind : 'muted';
}

function step(text, kind, extra) {
  const div = document.createElement('div');
  div.className = 'step ' + kind;
  div.textContent = text;
  for (const line of extra || []) {
    const p = document.createElement('div');
    if (line.hint) { p.className = 'hint'; }
    p.textContent = line.text;
    div.appendChild(p);
  }
  $('steps').appendChild(div);
  return div;
}

function problem(answer) {
  const b = answer.body || {};
  return answer.status + ' ' + (b.error || '') + (b.field ? ' (' + b.field + ')' : '') + ': ' + (b.message || '');
}

async function loadCampaigns() {
  sessionStorage.setItem('tester-token', token());
  const answer = await call('GET', '/campaigns');
  if (answer.status !== 200) {
    say($('token-status'), problem(answer), 'bad');
    return;
  }
  const select = $('campaign');
  select.replaceChildren();
  for (const campaign of answer.body.campaigns) {
    const option = document.createElement('option');
    option.value = campaign.campaign_id;
    option.textContent = campaign.campaign_id + ' — ' + (campaign.name || '') + ' (' + campaign.status + ')';
    select.appendChild(option);
  }
  say($('token-status'), answer.body.campaigns.length + ' campaigns', null);
}

function paramRow(name, value) {
  const row = document.createElement('tr');
  for (const [cls, text] of [['name', name], ['value', value]]) {
    const cell = document.createElement('td');
    const input = document.createElement('input');
    input.type = 'text';
    input.className = cls;
    input.value = text;
    input.addEventListener('input', showUrl);
    cell.appendChild(input);
    row.appendChild(cell);
  }
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = 'remove';
  remove.addEventListener('click', () => { row.remove(); showUrl(); });
  const cell = document.createElement('td');
  cell.appendChild(remove);
  row.appendChild(cell);
  $('params').appendChild(row);
}

function params() {
  const values = {};
  for (const row of $('params').querySelectorAll('tr')) {
    const name = row.querySelector('.name').value.trim();
    if (name) { values[name] = row.querySelector('.value').value; }
  }
  return values;
}

function showUrl() {
  if (!currentClick) { return; }
  const base = currentClick.postback_url_example.split('?')[0];
  $('postback-url').textContent = base + '?' + new URLSearchParams(params()).toString();
}

async function issueClick() {
  const body = { campaign_id: $('campaign').value };
  if ($('affiliate').value.trim()) { body.affiliate_id = $('affiliate').value.trim(); }
  const answer = await call('POST', '/tester/clicks', body);
  if (answer.status !== 201) {
    say($('click-status'), problem(answer), 'bad');
    return;
  }
  currentClick = answer.body;
  say($('click-status'), 'Test click ' + currentClick.click_id + ' of campaign ' + currentClick.campaign_id
    + ' (affiliate ' + currentClick.affiliate_id + ')', 'ok');
  $('params').replaceChildren();
  const example = new URL(currentClick.postback_url_example);
  for (const [name, value] of example.searchParams) { paramRow(name, value); }
  showUrl();
}

async function fire() {
  if (polling) { clearTimeout(polling); polling = null; }
  $('steps').replaceChildren();
  const values = params();
  const answer = await call('POST', '/tester/postbacks', { params: values });
  if (answer.status !== 200) {
    step('Not fired: ' + problem(answer), 'bad');
    return;
  }
  const ingest = answer.body.ingest_answer || {};
  if (answer.body.ingest_status !== 200) {
    step('Refused by ingest: HTTP ' + answer.body.ingest_status + ' ' + (ingest.error || '')
      + (ingest.field ? ' (' + ingest.field + ')' : ''), 'bad', [{ text: ingest.message || '' }]);
  } else {
    step('Accepted by ingest: request_id ' + answer.body.request_id, 'ok');
  }
  if (answer.body.request_id) {
    poll(answer.body.request_id, values.click_id, Date.now());
  }
}

async function poll(requestId, clickId, started) {
  const path = '/tester/postbacks/' + encodeURIComponent(requestId)
    + (clickId ? '?click_id=' + encodeURIComponent(clickId) : '');
  const answer = await call('GET', path);
  const waiting = $('steps').querySelector('.wait');
  if (waiting) { waiting.remove(); }
  if (answer.status !== 200) {
    step('Could not ask: ' + problem(answer), 'bad');
    return;
  }
  const fate = answer.body;
  if (fate.state === 'ATTRIBUTED') {
    const c = fate.fate.conversion || {};
    step('ATTRIBUTED' + (fate.test ? ' (test=true)' : ''), 'ok', [
      { text: 'goal ' + (c.goal_value || '') + ', status ' + (c.status || '') + ', payout ' + (c.payout || '')
        + ' ' + (c.currency || '') + ', txn_id ' + (c.txn_id || '—') },
      { text: 'conversion_id ' + (c.conversion_id || '') }]);
    return;
  }
  if (fate.state === 'REJECTED') {
    step('REJECTED: ' + fate.reason + (fate.test ? ' (test=true)' : ''), 'bad', [
      { text: fate.detail || '' }, { text: 'What to fix: ' + fate.what_to_fix, hint: true }]);
    return;
  }
  if (Date.now() - started > 10 * 60 * 1000) {
    step('Still ' + fate.state + ' after 10 minutes: stopped asking', 'bad');
    return;
  }
  step(fate.state === 'PENDING' ? 'PENDING: waiting for its click (the click is not known yet)'
    : 'Waiting for the decision…', 'wait');
  polling = setTimeout(() => poll(requestId, clickId, started), 1000);
}

$('token').value = sessionStorage.getItem('tester-token') || '';
$('load-campaigns').addEventListener('click', loadCampaigns);
$('issue-click').addEventListener('click', issueClick);
$('add-param').addEventListener('click', () => paramRow('', ''));
$('fire').addEventListener('click', fire);
