import type { GeneratedFile } from '../../shared/import.ts';

/** Saves a blob as a file through a temporary `<a download>`: the browser's usual download. */
export function download(blob: Blob, filename: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  link.click();
  // The click starts the download on its own schedule; the URL must outlive this task.
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** Saves a file the server generated (its bytes in base64). */
export function downloadGenerated(file: GeneratedFile): void {
  download(new Blob([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], { type: file.contentType }), file.filename);
}
