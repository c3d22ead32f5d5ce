/**
 * What model weights look like in a Dockerfile: weight files and folders in COPY/ADD sources, and the
 * commands that download weights in a RUN step. Pure text helpers for dockerfile-model-weights-baked.
 */

/** Weight file formats: safetensors, GGUF/GGML, PyTorch (.bin/.pt/.pth), checkpoints, ONNX. */
const WEIGHT_FILE = /\.(safetensors|gguf|ggml|bin|pt|pth|ckpt|onnx)$/i;
/**
 * Folders that hold weights. `models`/`model` only as the first folder of the path (`models/`, `/models`):
 * deeper down (`app/models`) it is as often an ORM or schema package.
 */
const WEIGHT_FOLDER_ANYWHERE = /^(weights|checkpoints)$/i;
const WEIGHT_FOLDER_AT_ROOT = /^(models?|weights|checkpoints)$/i;
/** `ADD https://huggingface.co/org/model.git` (a model repository, not a Space or a dataset). */
const HUB_REPO_URL = /^https?:\/\/(www\.)?huggingface\.co\/(?!spaces\/|datasets\/)[^/]+\/[^/]+?(\.git)?$/i;
/** Download caches: the Hugging Face cache and Ollama's model store. */
const CACHE_FOLDER = /(^|\/)\.cache\/huggingface(\/|$)|(^|\/)\.ollama(\/|$)/;

/** Why a COPY/ADD source is weights, or undefined. */
export function weightSource(source: string): string | undefined {
  // `[^]*` (not `.*`, which stops at a line break and is retried from every `?`) and the look-behind keep both linear.
  const path = source.replace(/[?#][^]*$/, '').replace(/(?<!\/)\/+$/, '');
  if (CACHE_FOLDER.test(path)) return 'a model download cache';
  const segments = path.replace(/^\.\//, '').split('/').filter((s) => s !== '' && s !== '.');
  const base = segments[segments.length - 1] ?? '';
  if (WEIGHT_FILE.test(base)) return `a weights file (${base.slice(base.lastIndexOf('.'))})`;
  if (HUB_REPO_URL.test(path)) return 'a Hugging Face model repository';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return undefined;
  if (segments.some((s) => WEIGHT_FOLDER_ANYWHERE.test(s))) return 'a weights folder';
  if (segments[0] !== undefined && WEIGHT_FOLDER_AT_ROOT.test(segments[0])) return 'a model folder';
  return undefined;
}

export interface WeightDownload {
  /** Offset of the command within the searched text, and its length. */
  start: number;
  end: number;
  /** The command, for messages (`huggingface-cli download`). */
  command: string;
  /** Where it writes, when the command says so (`--local-dir`, `-O`, `cache_dir=`). */
  destination: string | undefined;
}

/** Words may be split by spaces, line continuations or the `","` of a JSON-form RUN. */
const SEP = String.raw`(?:[\s"',]|\\\r?\n)+`;
const EXT = String.raw`\.(?:safetensors|gguf|ggml|bin|pt|pth|ckpt|onnx)(?=$|[\s"'?#;&|)])`;

const DOWNLOADS: ReadonlyArray<{ re: RegExp; command: (m: RegExpExecArray) => string }> = [
  { re: new RegExp(String.raw`\b(huggingface-cli|hf)${SEP}download\b`, 'g'), command: (m) => `${m[1]} download` },
  // `AutoTokenizer.from_pretrained(...)` fetches a few small files, not weights.
  {
    re: /\b(snapshot_download|hf_hub_download|(?<!(?:Tokenizer|TokenizerFast|Processor|Config|FeatureExtractor)\.)from_pretrained)\s*\(/g,
    command: (m) => `${m[1]}()`,
  },
  { re: new RegExp(String.raw`\bollama${SEP}pull\b`, 'g'), command: () => 'ollama pull' },
  { re: new RegExp(String.raw`\bgit${SEP}lfs${SEP}(pull|fetch|clone)\b`, 'g'), command: (m) => `git lfs ${m[1]}` },
  {
    re: new RegExp(String.raw`\bgit${SEP}clone\b[^\n;&|]*?https?://(?:www\.)?huggingface\.co/(?!spaces/|datasets/)`, 'g'),
    command: () => 'git clone of a Hugging Face model',
  },
  {
    re: new RegExp(String.raw`\b(wget|curl)\b[^\n;&|]*?(?:${EXT}|https?://(?:www\.)?huggingface\.co/[^\s"']*/resolve/)`, 'g'),
    command: (m) => `${m[1]} of a weights file`,
  },
  { re: /\bdownload[_-]?models?\.(?:py|sh)\b/g, command: (m) => m[0] },
];

/** The first weight download in `text` (a RUN instruction), skipping comment lines. */
export function findWeightDownload(text: string): WeightDownload | undefined {
  let best: WeightDownload | undefined;
  for (const { re, command } of DOWNLOADS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (onCommentLine(text, m.index)) continue;
      if (!best || m.index < best.start) {
        best = { start: m.index, end: m.index + m[0].length, command: command(m), destination: destinationAfter(text, m.index) };
      }
      break;
    }
  }
  if (best && /^(wget|curl) /.test(best.command)) {
    // Point at the command word, not the whole command line.
    best.end = best.start + best.command.indexOf(' ');
  }
  return best;
}

function onCommentLine(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^\s*#/.test(text.slice(lineStart, offset));
}

/** The destination named in the command that starts at `offset` (up to the next `&&`, `;` or `|`). */
function destinationAfter(text: string, offset: number): string | undefined {
  const rest = /^[^;&|]*/.exec(text.slice(offset))![0];
  const m =
    /--local-dir(?:=|\s+)["']?([^\s"']+)/.exec(rest) ??
    /--cache-dir(?:=|\s+)["']?([^\s"']+)/.exec(rest) ??
    /(?:^|\s)(?:-O|-o|--output(?:-document)?)(?:=|\s+)["']?([^\s"']+)/.exec(rest) ??
    /\b(?:local_dir|cache_dir)\s*=\s*["']([^"']+)["']/.exec(rest);
  return m?.[1];
}
