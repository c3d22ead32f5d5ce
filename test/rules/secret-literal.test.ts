import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, dockerfile, findingsOf, lint, preferredFix, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'secret-literal';
// Made-up values in real formats (random letters, no real account behind them).
const HF = 'hf_Qm7tZr2LpXw9KcVb4NyHd8FgJs3Ae6UoTi';
const OPENAI = 'sk-proj-Qm7tZr2LpXw9KcVb4NyHd8FgJs3Ae6Uo';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:latest
      environment:
        # gated model
        HF_TOKEN: ${HF}
`;

function assertNoSecretInMessages(text: string, secrets: readonly string[]): void {
  for (const f of findingsOf(RULE, text)) {
    for (const s of secrets) {
      assert.ok(!f.message.includes(s), `message leaks the secret: ${f.message}`);
      for (const fix of f.fixes) assert.ok(!fix.title.includes(s), `fix title leaks the secret: ${fix.title}`);
    }
  }
}

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the value (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'error');
      assert.deepEqual(f!.range, { start: { line: 5, character: 16 }, end: { line: 5, character: 16 + HF.length } });
      assert.equal(rangeText(text, f!), HF);
      assert.match(f!.message, /Hugging Face token/);
      assertNoSecretInMessages(text, [HF]);
    });

    it(`its fix replaces the literal with \${HF_TOKEN} (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes('HF_TOKEN: ${HF_TOKEN}'), fixed);
      assert.ok(!fixed.includes(HF));
    });
  }

  it('stays quiet on references, escapes and placeholders', () => {
    const text = yaml`
      services:
        app:
          image: vllm/vllm-openai:latest
          environment:
            HF_TOKEN: \${HF_TOKEN}
            NGC_API_KEY: \${NGC_API_KEY:?set it}
            OPENAI_API_KEY: EMPTY
            VLLM_API_KEY: "<your-api-key>"
            GITHUB_TOKEN: your_token_here
            AWS_SECRET_ACCESS_KEY: xxxxxxxx
            API_KEY: "..."
            DB_PASSWORD: ""
            SHELL_TOKEN: $$RUNTIME_TOKEN
            POSTGRES_PASSWORD_FILE: /run/secrets/pg
            LITELLM_MASTER_KEY: \${LITELLM_MASTER_KEY:-sk-1234}
            MAX_TOKENS: "512"
          command: ["--model", "m", "--api-key", "\${VLLM_API_KEY}"]
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('reports weak literal passwords such as changeme', () => {
    const text = yaml`
      services:
        db:
          image: postgres:16
          environment:
            - POSTGRES_PASSWORD=changeme
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'changeme');
    assert.match(f!.message, /password/);
    assertNoSecretInMessages(text, ['changeme']);
    assert.ok(assertFixResolves(RULE, text).includes('- POSTGRES_PASSWORD=${POSTGRES_PASSWORD}'));
  });

  it('finds vLLM --api-key literals in list and string commands, fixed as ${VLLM_API_KEY}', () => {
    const text = yaml`
      services:
        a:
          image: vllm/vllm-openai:latest
          command: ["--model", "m", "--api-key", "s3cr3t-key-42"]
        b:
          image: vllm/vllm-openai:latest
          command: --model m --api-key=an0ther-k3y
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['s3cr3t-key-42', 'an0ther-k3y']);
    assertNoSecretInMessages(text, ['s3cr3t-key-42', 'an0ther-k3y']);
    const fixed = applyFix(text, preferredFix(found[0]!));
    assert.ok(fixed.includes('"--api-key", "${VLLM_API_KEY}"'), fixed);
    assert.ok(applyFix(text, preferredFix(found[1]!)).includes('--api-key=${VLLM_API_KEY}'));
  });

  it('finds prefix-shaped tokens anywhere, and drops a literal ${VAR:-default}', () => {
    const text = yaml`
      services:
        app:
          image: python:3.12
          healthcheck:
            test: ["CMD", "curl", "-H", "Authorization: Bearer ${OPENAI}", "http://localhost/health"]
          environment:
            TOKEN_WITH_DEFAULT: \${HF_TOKEN:-${HF}}
    `;
    const [bearer, dflt] = findingsOf(RULE, text);
    assert.equal(rangeText(text, bearer!), OPENAI);
    assert.equal(rangeText(text, dflt!), HF);
    assertNoSecretInMessages(text, [OPENAI, HF]);
    assert.ok(applyFix(text, preferredFix(dflt!)).includes('TOKEN_WITH_DEFAULT: ${HF_TOKEN}\n'));
  });

  it('reports a literal inside an anchor once, where it is written', () => {
    const text = yaml`
      x-env: &env
        HF_TOKEN: ${HF}
      services:
        a:
          image: vllm/vllm-openai:latest
          environment: *env
        b:
          image: vllm/vllm-openai:latest
          environment: *env
    `;
    const found = findingsOf(RULE, text);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.range.start.line, 1);
  });

  it('finishes fast on an alias bomb', () => {
    const levels = ['a: &a ["hf_x", "hf_x", "hf_x", "hf_x", "hf_x", "hf_x", "hf_x", "hf_x", "hf_x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const text = `x-bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\nservices:\n  app:\n    image: busybox\n`;
    const started = Date.now();
    lint(text);
    assert.ok(Date.now() - started < 1000);
  });

  it('reads Dockerfile ENV and ARG defaults; an ARG default can be dropped', () => {
    const text = dockerfile`
      FROM vllm/vllm-openai:latest
      ARG HF_TOKEN=${HF}
      ENV VLLM_API_KEY=my-very-secret-key SERVER_API_KEY=""
      RUN huggingface-cli login --token ${HF}
    `;
    const found = findingsOf(RULE, text, 'dockerfile');
    assert.deepEqual(found.map((f) => [f.range.start.line, rangeText(text, f)]), [[1, HF], [2, 'my-very-secret-key'], [3, HF]]);
    for (const f of found) assert.ok(!f.message.includes(HF) && !f.message.includes('my-very-secret-key'));
    const fixed = applyFix(text, preferredFix(found[0]!));
    assert.ok(fixed.includes('ARG HF_TOKEN\n'), fixed);
  });

  it('knows the names the log masker knows (core/secretFormats.ts): PGPASSWORD, *_PASS, *_PWD, camelCase', () => {
    const text = yaml`
      services:
        db:
          image: postgres:16
          environment:
            PGPASSWORD: pg-literal-1
            DB_PASS: db-literal-2
            MYSQL_PWD: my-literal-3
            dbPassword: camel-literal-4
            PWD: /srv/app
            PAD_TOKEN: pad-literal-5
            BYPASS: bypass-value-6
    `;
    assert.deepEqual(findingsOf(RULE, text).map((f) => rangeText(text, f)), ['pg-literal-1', 'db-literal-2', 'my-literal-3', 'camel-literal-4']);
  });
});

// The branches mutation testing found untested (issue 16): each a case a user writes.
describe(`${RULE}: boundaries and forms`, () => {
  it('an NVIDIA key needs 20 characters after nvapi-: 19 is not a key, 20 is (the shortest real ones are longer)', () => {
    const key = (n: number) => `nvapi-${'Qm7tZr2LpXw9KcVb4NyHd8FgJs3Ae6Uo'.slice(0, n)}`;
    const at = (value: string) => yaml`
      services:
        nim:
          image: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3
          labels:
            note: "key ${value} rotated"
    `;
    assert.deepEqual(findingsOf(RULE, at(key(19))), []);
    const text = at(key(20));
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), key(20), 'reported in a label value too, at the key itself');
    assert.equal(f!.message, 'A literal NVIDIA API key is written in the value of note: anyone who can read this file or its history can use it. Reference it as ${NGC_API_KEY} and keep the value in .env (out of version control) or a secret store; revoke it if it was ever committed.');
    assert.equal(applyFix(text, preferredFix(f!)).includes('note: "key ${NGC_API_KEY} rotated"'), true);
  });

  it('placeholders stay quiet, in map and list form; a real value in list form is reported at the value', () => {
    const quiet = ['<your-hf-token>', '[token]', '{{ .Values.token }}', 'xxxxxxxx', '********', 'hf_...', 'your_token_here', 'put-it-here', 'EMPTY', 'sk-no-key-required', 'not-needed'];
    for (const value of quiet) {
      const map = yaml`
        services:
          app:
            image: ghcr.io/example/app:1
            environment:
              OPENAI_API_KEY: "${value}"
      `;
      assert.deepEqual(findingsOf(RULE, map), [], `map form: ${value}`);
      const list = yaml`
        services:
          app:
            image: ghcr.io/example/app:1
            environment:
              - OPENAI_API_KEY=${value}
      `;
      assert.deepEqual(findingsOf(RULE, list), [], `list form: ${value}`);
    }
    const real = yaml`
      services:
        app:
          image: ghcr.io/example/app:1
          environment:
            - OPENAI_API_KEY=s3cr3t-value-42
    `;
    const [f] = findingsOf(RULE, real);
    assert.equal(rangeText(real, f!), 's3cr3t-value-42');
    assert.equal(applyFix(real, preferredFix(f!)).includes('- OPENAI_API_KEY=${OPENAI_API_KEY}'), true);
  });

  it('a flag first in a string command: the value\'s exact range, and a vLLM service\'s fix names VLLM_API_KEY', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          command: --api-key s3cr3t-key-42 --model m
    `;
    const [f, more] = findingsOf(RULE, text);
    assert.equal(more, undefined);
    assert.equal(rangeText(text, f!), 's3cr3t-key-42');
    assert.equal(f!.message, 'A literal API key is written in the --api-key argument: anyone who can read this file or its history can use it. Reference it as ${VLLM_API_KEY} and keep the value in .env (out of version control) or a secret store; revoke it if it was ever committed.');
    assert.equal(preferredFix(f!).title, 'Replace with ${VLLM_API_KEY} and move the value to .env (git-ignored)');
    assert.ok(applyFix(text, preferredFix(f!)).includes('command: --api-key ${VLLM_API_KEY} --model m'));
  });
});

describe(`${RULE}: passwords in URLs`, () => {
  const urls = yaml`
    services:
      app:
        image: ghcr.io/example/app:1
        environment:
          DATABASE_URL: postgresql://app:s3cr3t-pg@db:5432/app
        command: ["--broker", "amqp://guest:guest@rabbitmq:5672/"]
  `;
  for (const [name, text] of [['LF', urls], ['CRLF', toCrlf(urls)]] as const) {
    it(`reports the password itself, never in the message; a variable's URL is fixed with a \${..._PASSWORD} (${name})`, () => {
      const [db, amqp, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(rangeText(text, db!), 's3cr3t-pg');
      assert.deepEqual(db!.range, { start: { line: 4, character: 37 }, end: { line: 4, character: 46 } });
      assert.equal(db!.severity, 'error');
      assert.equal(
        db!.message,
        'A literal password is written in the URL in the value of DATABASE_URL: anyone who can read this file or its history can use it. Reference it as ${DATABASE_PASSWORD} and keep the value in .env (out of version control) or a secret store; revoke it if it was ever committed.',
      );
      assert.ok(assertFixResolves(RULE, text).includes('DATABASE_URL: postgresql://app:${DATABASE_PASSWORD}@db:5432/app'));
      assert.equal(rangeText(text, amqp!), 'guest', 'the password, not the user of the same name');
      assert.deepEqual(amqp!.range.start, { line: 5, character: 40 });
      assert.match(amqp!.message, /^A literal password is written in a URL in this value: .* Write the password as a \$\{VAR\} reference inside the URL/);
      assert.deepEqual(amqp!.fixes, [], 'no variable to name: no fix');
      assertNoSecretInMessages(text, ['s3cr3t-pg', 'guest']);
    });
  }

  it('finds them in list-form environment, string commands, healthchecks, with an empty user or a token as password', () => {
    const text = yaml`
      services:
        app:
          image: ghcr.io/example/app:1
          environment:
            - REDIS_URL=redis://:r3dis-pass@redis:6379/0
          command: python serve.py --repo https://bot:tok3n-value@git.example.com/org/repo.git --port 80
          healthcheck:
            test: ["CMD", "curl", "-f", "http://admin:hc-pass-1@localhost:80/health"]
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['r3dis-pass', 'tok3n-value', 'hc-pass-1']);
    assert.ok(applyFix(text, preferredFix(found[0]!)).includes('- REDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379/0'));
    assertNoSecretInMessages(text, ['r3dis-pass', 'tok3n-value', 'hc-pass-1']);
  });

  it('stays quiet on ${VAR} and empty passwords, a user with no password, ports, placeholders and plain URLs', () => {
    const text = yaml`
      services:
        app:
          image: ghcr.io/example/app:1
          environment:
            DATABASE_URL: postgresql://app:\${DB_PASSWORD}@db:5432/app
            DSN: postgresql://\${DB_USER:-app}:\${DB_PASSWORD:?set it}@db/app
            REDIS_URL: redis://:\${REDIS_PASSWORD}@redis:6379
            EMPTY_URL: redis://:@redis:6379
            SSH_URL: ssh://git@github.com:22/org/repo.git
            USER_URL: https://bot@git.example.com/org/repo
            API_BASE: http://vllm:8000/v1
            MAIL: mailto:someone@example.com
            DOC: "postgresql://<user>:<password>@<host>/<db>"
            AT_IN_PATH: http://host:8080/files/a@b
            ESCAPED: postgresql://app:$$DB_PASSWORD@db/app
            IN_A_DEFAULT: \${DATABASE_URL:-postgresql://app:dev-only-pg@db/app}
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('reads Dockerfile instructions too', () => {
    const text = dockerfile`
      FROM python:3.12
      ARG PIP_PASSWORD
      RUN pip install --index-url https://ci:\${PIP_PASSWORD}@pypi.example.com/simple app
      RUN git clone https://bot:tok3n-value@git.example.com/org/repo.git
    `;
    const [f, ...rest] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), 'tok3n-value');
    assert.match(f!.message, /^A literal password is written in a URL in this RUN instruction: /);
    assert.ok(!f!.message.includes('tok3n-value'));
  });
});

describe(`${RULE}: well-known passwords on a published port`, () => {
  const stack = yaml`
    services:
      db:
        image: postgres:16
        ports: ["5432:5432"]
        environment:
          POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:-postgres}
      minio:
        image: quay.io/minio/minio:RELEASE.2025-01-20T14-49-07Z
        ports:
          - "9000:9000"
        environment:
          - MINIO_ROOT_PASSWORD=minioadmin
  `;
  for (const [name, text] of [['LF', stack], ['CRLF', toCrlf(stack)]] as const) {
    it(`a \${VAR:-default} is reported at the default, a literal at the value; both fixed as a required variable (${name})`, () => {
      const [dflt, literal, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(rangeText(text, dflt!), 'postgres');
      assert.deepEqual(dflt!.range, { start: { line: 5, character: 46 }, end: { line: 5, character: 54 } });
      assert.equal(
        dflt!.message,
        'The default of ${POSTGRES_PASSWORD} in the value of POSTGRES_PASSWORD, used whenever .env does not set POSTGRES_PASSWORD, is a well-known default password, ' +
          'and service "db" publishes port 5432:5432: it is among the first passwords anyone who reaches that port tries. ' +
          'Make the variable required (${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}) and set a strong password in .env (out of version control).',
      );
      const fixed = applyFix(text, preferredFix(dflt!));
      assert.ok(fixed.includes('POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}\n') || fixed.includes('in .env}\r\n'), fixed);
      assert.deepEqual(findingsOf('compose-interpolation-invalid', fixed), []);
      assert.equal(rangeText(text, literal!), 'minioadmin');
      assert.match(literal!.message, /^The value of MINIO_ROOT_PASSWORD is a well-known default password, and service "minio" publishes port 9000:9000: /);
      assert.ok(applyFix(text, preferredFix(literal!)).includes('- MINIO_ROOT_PASSWORD=${MINIO_ROOT_PASSWORD:?set MINIO_ROOT_PASSWORD in .env}'));
      assertNoSecretInMessages(text, ['postgres', 'minioadmin']);
    });
  }

  it('knows the images\' own variables: Grafana GF_, RabbitMQ, and generic admin passwords', () => {
    const text = yaml`
      services:
        grafana:
          image: grafana/grafana:11.4.0
          ports: ["3000:3000"]
          environment:
            GF_SECURITY_ADMIN_PASSWORD: \${GRAFANA_ADMIN_PASSWORD:-admin}
        queue:
          image: rabbitmq:4-management
          ports: ["15672:15672"]
          environment:
            RABBITMQ_DEFAULT_PASS: guest
        ui:
          image: ghcr.io/example/ui:1
          ports: ["8080:8080"]
          environment:
            ADMIN_PASSWORD: \${ADMIN_PASSWORD-changeme}
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['admin', 'guest', 'changeme']);
    for (const f of found) assert.match(f.message, /is a well-known default password, and service "\w+" publishes port \d+:\d+/);
  });

  it('stays quiet without a published port, on loopback, when .env sets it, on a client\'s variable, on another default', () => {
    const text = yaml`
      services:
        internal:
          image: postgres:16
          environment:
            POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:-postgres}
        local:
          image: quay.io/minio/minio:RELEASE.2025-01-20T14-49-07Z
          ports: ["127.0.0.1:9000:9000", { target: 9001, published: "9001", host_ip: 127.0.0.1 }]
          environment:
            MINIO_ROOT_PASSWORD: \${MINIO_ROOT_PASSWORD:-minioadmin}
        grafana:
          image: grafana/grafana:11.4.0
          ports: ["3000:3000"]
          environment:
            GF_SECURITY_ADMIN_PASSWORD: \${GF_PASSWORD:-admin}
        app:
          image: ghcr.io/example/app:1
          ports: ["8501:8501"]
          environment:
            - NEO4J_PASSWORD=\${NEO4J_PASSWORD-password}
            - ADMIN_PASSWORD=\${ADMIN_PASSWORD:-dev-only-Zq81}
            - ROOT_PASSWORD=pre\${SUFFIX:-admin}
    `;
    assert.deepEqual(findingsOf(RULE, text, 'compose', { dotEnv: new Map([['GF_PASSWORD', 'Strong-1']]) }), []);
  });

  it('without a published port, a literal well-known password keeps the usual finding and fix', () => {
    const text = 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n';
    const [f] = findingsOf(RULE, text);
    assert.match(f!.message, /^A literal password is written in the value of POSTGRES_PASSWORD: anyone who can read this file/);
    assert.ok(applyFix(text, preferredFix(f!)).includes('POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n'));
  });
});

describe(`${RULE}: the fix keeps the value in .env (issue 12 item 3)`, () => {
  const OTHER = 'hf_Wk3pLs8QzTn2VbXc7RyMd4FgHj9Ae5UoPi';
  const fixesOf = (text: string, dotEnv: ReadonlyMap<string, string> = new Map()) =>
    findingsOf(RULE, text, 'compose', { dotEnv }).map((f) => f.fixes.map((x) => ({ title: x.title, preferred: x.preferred, newText: x.edits[0]!.newText, sideEdits: x.sideEdits })));
  const onlyFix = (text: string, dotEnv?: ReadonlyMap<string, string>) => {
    const all = fixesOf(text, dotEnv);
    assert.equal(all.length, 1);
    assert.equal(all[0]!.length, 1);
    return all[0]![0]!;
  };

  it('moves the value to .env as the variable it references, and makes .env git-ignored; the finding holds no secret', () => {
    assert.deepEqual(fixesOf(bad), [[{
      title: 'Replace with ${HF_TOKEN} and move the value to .env (git-ignored)',
      preferred: true,
      newText: '${HF_TOKEN}',
      sideEdits: [{ kind: 'env', file: '.env', name: 'HF_TOKEN', value: { edit: 0, start: 0, end: HF.length } }, { kind: 'git-ignored', file: '.env' }],
    }]]);
    assert.ok(!JSON.stringify(findingsOf(RULE, bad)).includes(HF));
  });

  it('.env sets the variable to this value already: the title says so', () => {
    assert.equal(onlyFix(bad, new Map([['HF_TOKEN', HF]])).title, 'Replace with ${HF_TOKEN} (.env already sets HF_TOKEN to this value)');
  });

  it('.env sets it to another value: the value gets a free name, and the fix is not preferred (a person picks)', () => {
    const fix = onlyFix(bad, new Map([['HF_TOKEN', OTHER], ['HF_TOKEN_2', 'x']]));
    assert.equal(fix.title, 'Replace with ${HF_TOKEN_3} and move the value to .env as HF_TOKEN_3 (.env sets HF_TOKEN to another value)');
    assert.equal(fix.preferred, false);
    assert.equal(fix.newText, '${HF_TOKEN_3}');
    assert.deepEqual(fix.sideEdits?.[0], { kind: 'env', file: '.env', name: 'HF_TOKEN_3', value: { edit: 0, start: 0, end: HF.length } });
  });

  it('a literal default moves to .env when it is the value in effect, and is only dropped when .env sets the variable', () => {
    const text = yaml`
      services:
        app:
          image: python:3.12
          environment:
            TOKEN_WITH_DEFAULT: \${HF_TOKEN:-${HF}}
    `;
    const moved = onlyFix(text);
    assert.equal(moved.title, 'Drop the literal default of ${HF_TOKEN} and move it to .env (git-ignored)');
    // The value is the default, inside the `${HF_TOKEN:-...}` the edit replaces.
    assert.deepEqual(moved.sideEdits?.[0], { kind: 'env', file: '.env', name: 'HF_TOKEN', value: { edit: 0, start: '${HF_TOKEN:-'.length, end: '${HF_TOKEN:-'.length + HF.length } });
    assert.equal(onlyFix(text, new Map([['HF_TOKEN', '']])).title, moved.title, 'empty in .env: `:-` uses the default');
    const dropped = onlyFix(text, new Map([['HF_TOKEN', OTHER]]));
    assert.equal(dropped.title, 'Drop the literal default of ${HF_TOKEN}');
    assert.equal(dropped.sideEdits, undefined);
  });

  it('the well-known-password fix moves nothing: the password is to be replaced, not kept', () => {
    const text = 'services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n    environment:\n      POSTGRES_PASSWORD: postgres\n';
    const fix = onlyFix(text);
    assert.equal(fix.title, 'Replace with ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}');
    assert.equal(fix.sideEdits, undefined);
  });
});
