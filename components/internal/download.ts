import type { GeneratedFile } from '../../shared/import.ts';
import { ApiError, authorization } from '../api/client.ts';

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

/**
 * Saves what an export route answers (the user list's, the Activity view's), under the name the
 * server gives it. The session goes in the header, never in the URL; a refusal throws an ApiError,
 * as a tRPC call's does, so that it is said the same way.
 */
export async function downloadExport(url: string, token: string | undefined, fallbackName: string): Promise<void> {
  const response = await fetch(url, { headers: authorization(token) });
  if (!response.ok) {
    const { error } = await response.json();
    throw new ApiError(error.message, error.data);
  }
  const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
  download(await response.blob(), filename ?? fallbackName);
}
