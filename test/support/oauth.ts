/**
 * A stand-in OAuth provider on 127.0.0.1 for `rclone authorize`: its auth endpoint sends the "browser"
 * straight back to rclone's callback with a code, its token endpoint answers with a token, and a
 * Microsoft Graph `/v1.0/me/drive` answers for OneDrive. rclone itself is real; only the cloud is not.
 */
import { createServer, type Server } from "node:http";

export interface FakeOAuth {
  url: string;
  /** The env that points rclone's `<backend>` at this server. */
  env(backend: string): Record<string, string>;
  /** The token the server hands out (its secrets, for leak checks). */
  accessToken: string;
  refreshToken: string;
  /** Act as the browser: open rclone's link and follow redirects back to rclone. */
  visit(link: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeOAuth(): Promise<FakeOAuth> {
  const accessToken = `sl.ACCESS-${Math.random().toString(36).slice(2)}-planted`;
  const refreshToken = `REFRESH-${Math.random().toString(36).slice(2)}-planted`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    req.resume();
    req.on("end", () => {
      if (url.pathname === "/auth") {
        const back = url.searchParams.get("redirect_uri") ?? "";
        const state = url.searchParams.get("state") ?? "";
        res.writeHead(302, { location: `${back}?code=fake-code&state=${encodeURIComponent(state)}` });
        res.end();
      } else if (url.pathname === "/token") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            access_token: accessToken,
            token_type: "bearer",
            refresh_token: refreshToken,
            expires_in: 14400,
          }),
        );
      } else if (url.pathname === "/v1.0/me/drive") {
        const ok = req.headers.authorization === `Bearer ${accessToken}`;
        res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
        res.end(JSON.stringify(ok ? { id: "b!drive-123", driveType: "personal" } : { error: "no" }));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    accessToken,
    refreshToken,
    env: (backend) => ({
      [`RCLONE_${backend.toUpperCase()}_AUTH_URL`]: `${url}/auth`,
      [`RCLONE_${backend.toUpperCase()}_TOKEN_URL`]: `${url}/token`,
    }),
    visit: async (link) => {
      let next: string | null = link;
      for (let hop = 0; hop < 6 && next; hop++) {
        const url: string = next;
        next = null;
        // rclone may print the link a moment before its callback server listens, and closes it
        // right after the code arrives: retry a refused hop, and stop once the code was delivered.
        for (let attempt = 0; attempt < 20; attempt++) {
          try {
            const response: Response = await fetch(url, { redirect: "manual" });
            await response.arrayBuffer().catch(() => undefined);
            next = response.headers.get("location");
            break;
          } catch (error) {
            if (url.includes("code=")) return;
            if (attempt === 19) throw error;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
