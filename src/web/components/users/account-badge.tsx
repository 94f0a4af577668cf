import type { User } from '../../api-client.ts';

/** Active or disabled: the word is shown, colour only repeats it. */
export function AccountBadge({ user }: { user: Pick<User, 'disabledAt'> }) {
  return user.disabledAt === null ? (
    <span className="badge badge-approved">active</span>
  ) : (
    <span className="badge badge-rejected">disabled</span>
  );
}
