/**
 * Shapes of the intranet's own API as the browser sees them: the wire contract (shared/contract/api.ts,
 * which docs/openapi.json describes too), the one module from outside web/ the client imports.
 */
import type { MeResponse, SessionInfo } from '../../../shared/contract/api.js';

export type {
  DirectMember,
  FeedHealth,
  Group,
  HeldChange,
  Integration,
  ManagerChain,
  MatchReason,
  MembershipGroup,
  OrgPerson,
  Page,
  PeopleFacets,
  PeopleSearchPage,
  PendingDiff,
  Person,
  PersonMatch,
  Profile,
  PushStatus,
  Reconciliation,
  SyncProgress,
  SyncRun,
  TransitiveMember,
  WebConfig,
} from '../../../shared/contract/api.js';

/** GET /api/me. */
export type Me = MeResponse;
/** One entry of GET /api/me/sessions → `{sessions: Session[]}`. */
export type Session = SessionInfo;
