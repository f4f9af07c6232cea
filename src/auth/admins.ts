import { AppError } from "../errors.js";
import { type Auth, MIN_PASSWORD_LENGTH } from "./auth.js";
import type { AdminUser } from "./session.js";

export interface NewAdmin {
  email: string;
  password: string;
  name?: string;
}

/** Creates an administrator who signs in to the dashboard with this email and password. */
export async function createAdmin(auth: Auth, input: NewAdmin): Promise<AdminUser> {
  const email = input.email.trim().toLowerCase();
  checkAdmin(email, input.password);
  const ctx = await auth.$context;
  if (await ctx.internalAdapter.findUserByEmail(email)) {
    throw new AppError("CONFLICT", `an administrator with the email ${email} already exists`);
  }

  const user = await ctx.internalAdapter.createUser(
    {
      email,
      name: input.name ?? email.split("@")[0] ?? email,
      emailVerified: true,
      role: "admin",
    },
    { method: "admin" },
  );
  await ctx.internalAdapter.linkAccount({
    userId: user.id,
    providerId: "credential",
    accountId: user.id,
    password: await ctx.password.hash(input.password),
  });
  return { id: user.id, email: user.email };
}

function checkAdmin(email: string, password: string): void {
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new AppError("BAD_REQUEST", `'${email}' is not an email address`);
  }
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError(
      "BAD_REQUEST",
      `the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  if (password.length > 128) {
    throw new AppError("BAD_REQUEST", "the password is too long: use at most 128 characters");
  }
}
