<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\external;

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use invalid_parameter_exception;
use local_cooperare\local\util;

/**
 * local_cooperare_get_activity_counts: what each enrolled user of a course did over a period, a page of users at a
 * time.
 *
 * For the pilot report: per user, the last access to the course (user_lastaccess) and, within the period, the
 * activities completed (course_modules_completion, complete or complete with a pass, by time of the change), the
 * forum posts written (forum_posts of the course's forums, by creation time, deleted posts left out) and the quiz
 * attempts finished (quiz_attempts, previews left out, by time finished). With periods (for example the first
 * second of each month, which the client computes in its own time zone), the same three counts per period as well.
 * Core web services answer these one user and one activity at a time; this reads them in four queries per page.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_activity_counts extends external_api {
    /** Most users in one page. */
    const MAX_PAGE = 1000;

    /** Most periods in one call. */
    const MAX_PERIODS = 120;

    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'timefrom' => new external_value(PARAM_INT, 'Start of the period, 0 for the beginning', VALUE_DEFAULT, 0),
            'timeto' => new external_value(PARAM_INT, 'End of the period (included), 0 for now', VALUE_DEFAULT, 0),
            'offset' => new external_value(PARAM_INT, 'Number of enrolled users to skip (ordered by user id)',
                VALUE_DEFAULT, 0),
            'limit' => new external_value(PARAM_INT, 'Most users to return, 1 to 1000', VALUE_DEFAULT, self::MAX_PAGE),
            'periods' => new external_multiple_structure(
                new external_value(PARAM_INT, 'Start of a period'),
                'Starts of consecutive periods, ascending, within [timefrom, timeto]: each period runs to the next '
                    . 'start, the last to timeto; empty for no counts per period (at most 120)',
                VALUE_DEFAULT, []
            ),
        ]);
    }

    /**
     * Counts for a page of the course's enrolled users (any enrolment status).
     *
     * @param int $courseid
     * @param int $timefrom
     * @param int $timeto
     * @param int $offset
     * @param int $limit
     * @param array $periods
     * @return array
     */
    public static function execute(int $courseid, int $timefrom = 0, int $timeto = 0, int $offset = 0,
            int $limit = self::MAX_PAGE, array $periods = []): array {
        global $CFG, $DB;
        require_once($CFG->libdir . '/completionlib.php');
        $params = self::validate_parameters(self::execute_parameters(), ['courseid' => $courseid,
            'timefrom' => $timefrom, 'timeto' => $timeto, 'offset' => $offset, 'limit' => $limit,
            'periods' => $periods]);
        util::check_paging($params['offset'], $params['limit'], self::MAX_PAGE);
        $timeto = $params['timeto'] ?: time();
        if ($params['timefrom'] < 0 || $params['timefrom'] > $timeto) {
            throw new invalid_parameter_exception('timefrom must be between 0 and timeto');
        }
        $starts = array_map('intval', $params['periods']);
        if (count($starts) > self::MAX_PERIODS) {
            throw new invalid_parameter_exception('at most ' . self::MAX_PERIODS . ' periods');
        }
        foreach ($starts as $i => $start) {
            if ($start < $params['timefrom'] || $start > $timeto || ($i > 0 && $start <= $starts[$i - 1])) {
                throw new invalid_parameter_exception('periods must be ascending starts within [timefrom, timeto]');
            }
        }
        [$course, $context] = util::course_and_context((int) $params['courseid'], ['moodle/site:viewreports']);

        [$enrolledsql, $enrolledparams] = get_enrolled_sql($context, '', 0, false);
        $total = (int) $DB->count_records_sql("SELECT COUNT(1) FROM ({$enrolledsql}) eu", $enrolledparams);
        $page = $DB->get_records_sql("SELECT eu.id FROM ({$enrolledsql}) eu ORDER BY eu.id", $enrolledparams,
            $params['offset'], $params['limit']);
        $userids = array_map('intval', array_keys($page));
        $users = [];
        if ($userids) {
            [$insql, $inparams] = $DB->get_in_or_equal($userids, SQL_PARAMS_NAMED, 'lcu');
            $period = ['lccourse' => $course->id, 'lcfrom' => $params['timefrom'], 'lcto' => $timeto];
            $lastaccess = $DB->get_records_sql_menu("SELECT userid, timeaccess
                  FROM {user_lastaccess}
                 WHERE courseid = :lccourse AND userid {$insql}", $inparams + ['lccourse' => $course->id]);
            $completed = $DB->get_records_sql_menu("SELECT cmc.userid, COUNT(1)
                  FROM {course_modules_completion} cmc
                  JOIN {course_modules} cm ON cm.id = cmc.coursemoduleid
                 WHERE cm.course = :lccourse AND cm.deletioninprogress = 0 AND cmc.userid {$insql}
                       AND cmc.completionstate IN (:complete, :pass)
                       AND cmc.timemodified >= :lcfrom AND cmc.timemodified <= :lcto
              GROUP BY cmc.userid", $inparams + $period + ['complete' => COMPLETION_COMPLETE,
                'pass' => COMPLETION_COMPLETE_PASS]);
            $posts = $DB->get_records_sql_menu("SELECT fp.userid, COUNT(1)
                  FROM {forum_posts} fp
                  JOIN {forum_discussions} fd ON fd.id = fp.discussion
                 WHERE fd.course = :lccourse AND fp.deleted = 0 AND fp.userid {$insql}
                       AND fp.created >= :lcfrom AND fp.created <= :lcto
              GROUP BY fp.userid", $inparams + $period);
            $attempts = $DB->get_records_sql_menu("SELECT qa.userid, COUNT(1)
                  FROM {quiz_attempts} qa
                  JOIN {quiz} q ON q.id = qa.quiz
                 WHERE q.course = :lccourse AND qa.preview = 0 AND qa.state = :finished AND qa.userid {$insql}
                       AND qa.timefinish >= :lcfrom AND qa.timefinish <= :lcto
              GROUP BY qa.userid", $inparams + $period + ['finished' => 'finished']);
            $byperiod = $starts ? self::per_period($course->id, $starts, $timeto, $insql, $inparams) : [];
            foreach ($userids as $userid) {
                $counts = [];
                foreach ($starts as $i => $start) {
                    $counts[] = ['start' => $start] + ($byperiod[$userid][$i] ?? []) + ['completedactivities' => 0,
                        'forumposts' => 0, 'quizattempts' => 0];
                }
                $users[] = [
                    'userid' => $userid,
                    'lastaccess' => (int) ($lastaccess[$userid] ?? 0),
                    'completedactivities' => (int) ($completed[$userid] ?? 0),
                    'forumposts' => (int) ($posts[$userid] ?? 0),
                    'quizattempts' => (int) ($attempts[$userid] ?? 0),
                    'periods' => $counts,
                ];
            }
        }
        return [
            'courseid' => (int) $course->id,
            'timefrom' => (int) $params['timefrom'],
            'timeto' => (int) $timeto,
            'total' => $total,
            'offset' => (int) $params['offset'],
            'users' => $users,
        ];
    }

    /**
     * The three counts per user and period: one grouped query per count, the period picked by a CASE on the time
     * (in a subquery, so that each named parameter appears once).
     *
     * @param int $courseid
     * @param int[] $starts
     * @param int $timeto
     * @param string $insql user id condition
     * @param array $inparams
     * @return array userid => period index => [count name => count]
     */
    private static function per_period(int $courseid, array $starts, int $timeto, string $insql,
            array $inparams): array {
        global $DB;
        $queries = [
            'completedactivities' => ["{course_modules_completion} cmc
                  JOIN {course_modules} cm ON cm.id = cmc.coursemoduleid", 'cmc.userid', 'cmc.timemodified',
                "cm.course = :lccourse AND cm.deletioninprogress = 0 AND cmc.completionstate IN (:complete, :pass)",
                ['complete' => COMPLETION_COMPLETE, 'pass' => COMPLETION_COMPLETE_PASS]],
            'forumposts' => ["{forum_posts} fp
                  JOIN {forum_discussions} fd ON fd.id = fp.discussion", 'fp.userid', 'fp.created',
                "fd.course = :lccourse AND fp.deleted = 0", []],
            'quizattempts' => ["{quiz_attempts} qa
                  JOIN {quiz} q ON q.id = qa.quiz", 'qa.userid', 'qa.timefinish',
                "q.course = :lccourse AND qa.preview = 0 AND qa.state = :finished", ['finished' => 'finished']],
        ];
        $result = [];
        foreach ($queries as $name => [$from, $user, $time, $where, $extra]) {
            $cases = [];
            $params = ['lccourse' => $courseid, 'lcfirst' => $starts[0], 'lcto' => $timeto];
            for ($i = count($starts) - 1; $i > 0; $i--) {
                $cases[] = "WHEN {$time} >= :lcp{$i} THEN {$i}";
                $params["lcp{$i}"] = $starts[$i];
            }
            $period = $cases ? 'CASE ' . implode(' ', $cases) . ' ELSE 0 END' : '0';
            $rows = $DB->get_recordset_sql("SELECT p.userid, p.period, COUNT(1) AS total
                  FROM (SELECT {$user} AS userid, {$period} AS period
                          FROM {$from}
                         WHERE {$where} AND {$user} {$insql} AND {$time} >= :lcfirst AND {$time} <= :lcto) p
              GROUP BY p.userid, p.period", $inparams + $params + $extra);
            foreach ($rows as $row) {
                $result[(int) $row->userid][(int) $row->period][$name] = (int) $row->total;
            }
            $rows->close();
        }
        return $result;
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'timefrom' => new external_value(PARAM_INT, 'Start of the period'),
            'timeto' => new external_value(PARAM_INT, 'End of the period (now when 0 was sent)'),
            'total' => new external_value(PARAM_INT, 'Number of enrolled users of the course'),
            'offset' => new external_value(PARAM_INT, 'Offset of this page'),
            'users' => new external_multiple_structure(
                new external_single_structure([
                    'userid' => new external_value(PARAM_INT, 'User id'),
                    'lastaccess' => new external_value(PARAM_INT, 'Last access to the course, 0 for never'),
                    'completedactivities' => new external_value(PARAM_INT, 'Activities completed in the period'),
                    'forumposts' => new external_value(PARAM_INT, 'Forum posts written in the period'),
                    'quizattempts' => new external_value(PARAM_INT, 'Quiz attempts finished in the period'),
                    'periods' => new external_multiple_structure(
                        new external_single_structure([
                            'start' => new external_value(PARAM_INT, 'Start of the period'),
                            'completedactivities' => new external_value(PARAM_INT, 'Activities completed'),
                            'forumposts' => new external_value(PARAM_INT, 'Forum posts written'),
                            'quizattempts' => new external_value(PARAM_INT, 'Quiz attempts finished'),
                        ]),
                        'The same counts per period asked for, in their order'
                    ),
                ]),
                'Enrolled users of this page, by user id'
            ),
        ]);
    }
}
